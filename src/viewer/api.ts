/**
 * What the viewer's server answers, shared by the server (server.ts) and the browser app (JSDoc
 * imports of these types). JSON endpoints return these shapes; slice endpoints return the binary
 * columns of app/wire.js, whose column names are listed here. σ columns (`_err`) are 1σ, NaN where
 * the results have none.
 *
 *   GET /api/summary                        Summary (JSON)
 *   GET /api/pixel?det=D&row=R&col=C        columns time f64, sod f32, I f32 (visits × nq), q f64
 *   GET /api/band?band=B                    columns time f64, pixel i32, sod f32, value f32,
 *                                           value_err f32 (frame level; NaN σ for sizes)
 *   GET /api/map?band=B&sod=N               columns value f32, value_err f32, opaque i32 (each
 *                                           rows × cols: the pipeline's map, its σ, 1 where the
 *                                           point is flagged opaque, transmission < 1 %)
 *   GET /api/map?band=B&state=S             the same for a map at a named state or a difference
 *                                           (Summary.stateMaps; meta.difference true for one)
 *   GET /api/heatmap?region=R&det=D         columns time f64, sod f32, current f32, half_cycle f32,
 *                                           q f64, I f32 (sweeps × nq), shown f32 (what the
 *                                           heatmap draws; meta.label says what it is)
 *   GET /api/series?region=R&band=B         columns time f64, sod f32, value f32, value_err f32,
 *                                           n_pixels f32
 *   GET /api/echem                          columns time f64, ewe_v f32, i_ma f32, capacity_mah_g f32,
 *                                           sodc_pct f32, half_cycle f32, cycle f32
 *   GET /api/dqdv                           columns time f64, half_cycle f32, cycle f32, voltage_v f32,
 *                                           dqdv_mah_v f32, dqdv_mah_g_v f32, discharge f32 (1/0)
 *   GET /api/crystallite?peak=P             columns time f64, sod f32, size_nm f32, size_err_nm f32,
 *                                           center_q f32, fwhm_q f32
 *   GET /api/tracked?peak=P                 each reflection of the peak's phase on its own
 *                                           (reflections/<peak>.csv, peaks in Summary.tracked):
 *                                           columns time f64, sod f32, lattice_scale f32,
 *                                           lattice_scale_err f32, a_nm f32, a_nm_err f32, and per
 *                                           reflection <hkl> of meta.hkl (e.g. "111"): area_<hkl>,
 *                                           area_<hkl>_err, center_q_<hkl>, center_q_<hkl>_err,
 *                                           fwhm_q_<hkl>, fwhm_q_<hkl>_err f32 (q in 1/nm; NaN
 *                                           where the reflection was not detected)
 *   GET /api/reflections?det=D              Reflections (JSON)
 *   GET /api/extras                         the extra measurements (config extra:) as JSON
 *                                           [{name, detector}], to overlay on a region curve (Fig. 3c)
 *   GET /api/extra?name=N&det=D             columns radial f64 (the detector's unit), intensity f32,
 *                                           sigma f32 (extra/<name>_<det>.csv)
 *   GET /results/<file>                     a file of the results folder as it is
 *
 * Unknown names answer 404, missing or malformed parameters 400, both as JSON { error }.
 */
export type {
  Columns,
  DetectorInfo,
  PhaseReflections,
  Reflections,
  Summary,
} from "../results/index.js";
