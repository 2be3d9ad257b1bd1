/** The version the program reports (`gateway --version`, the status page, metrics). */
export const VERSION = "0.1.0";
