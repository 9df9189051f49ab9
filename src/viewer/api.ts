/**
 * What the viewer's server answers, shared by the server (data.ts, server.ts) and the browser app
 * (JSDoc imports of these types). JSON endpoints return these shapes; slice endpoints return the
 * binary columns of app/wire.js, whose column names are listed here.
 *
 *   GET /api/summary                        Summary (JSON)
 *   GET /api/pixel?det=D&row=R&col=C        columns time f64, sod f32, I f32 (visits × nq), q f64
 *   GET /api/band?band=B                    columns time f64, pixel i32, sod f32, value f32 (frame level)
 *   GET /api/map?band=B&sod=N               columns value f32 (rows × cols): the pipeline's map
 *   GET /api/heatmap?region=R&det=D         columns time f64, sod f32, current f32, half_cycle f32,
 *                                           q f64, I f32 (sweeps × nq), shown f32 (what the
 *                                           heatmap draws; meta.label says what it is)
 *   GET /api/series?region=R&band=B         columns time f64, sod f32, value f32, n_pixels f32
 *   GET /api/echem                          columns time f64, ewe_v f32, i_ma f32, capacity_mah_g f32,
 *                                           sodc_pct f32, half_cycle f32, cycle f32
 *   GET /api/crystallite?peak=P             columns time f64, sod f32, size_nm f32, size_err_nm f32,
 *                                           center_q f32, fwhm_q f32
 *   GET /api/reflections?det=D              Reflections (JSON)
 *   GET /results/<file>                     a file of the results folder as it is
 */

export type {
  Columns,
  DetectorInfo,
  PhaseReflections,
  Reflections,
  Summary,
} from "../results/index.js";
