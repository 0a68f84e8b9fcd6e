/** berth's version, reported by /metrics and /openapi.json. */
export const VERSION = "0.1.0";
