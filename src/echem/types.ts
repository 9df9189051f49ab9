/**
 * What every cycler reader returns: the records of one file as columns, in the file's own clock,
 * with units in the names. Sign convention (normalised by each reader): current < 0 while the cell
 * discharges (reduction at the working electrode, as EC-Lab writes it); Maccor's unsigned current is
 * given the sign from its State column.
 */
export interface CyclerRecords {
  file: string;
  /** "biologic-mpt" | "biologic-mpr" | "neware-csv" | "neware-nda" | "neware-ndax" | "arbin-csv" | "arbin-res" | "maccor-txt" | "generic-csv" */
  format: string;
  /** Number of records (rows). */
  n: number;
  /**
   * When the log starts, on the cycler's wall clock, as written in the file and without a zone
   * ("YYYY-MM-DDTHH:MM:SS.sss"); null when the file does not say. Time zones are applied later.
   */
  startLocal: string | null;
  /** Seconds since the start of the file (the cycler's "time/s" or test time). */
  timeS: Float64Array;
  /** Absolute time of each record [Unix s, UTC] when the file itself gives it in UTC (Arbin DateTime); else null. */
  unixTimeS: Float64Array | null;
  /** Working-electrode potential [V] (Ewe, or cell voltage). */
  eweV: Float64Array;
  /** Current [mA], negative on discharge. */
  currentMA: Float64Array;
  /** Charge passed since the start [mAh], signed like the current (EC-Lab "(Q-Qo)"); null if absent. */
  chargeMAh: Float64Array | null;
  /** Step / sequence index (EC-Lab Ns, Neware/Arbin/Maccor step); null if absent. */
  step: Int32Array | null;
  /** Cycle number as the cycler counts it; null if absent. */
  cycle: Int32Array | null;
  /** Control mode per record: 1 = constant current, 2 = constant voltage, 3 = rest (EC-Lab `mode`); 0 = unknown. */
  mode: Uint8Array | null;
  /** Column names found in the file, as written. */
  columns: string[];
  /** Header values (device, software version, technique, mass, …), numbers where they parse. */
  metadata: Record<string, string | number>;
}
