/** How often the plugin's hooks did real work in this process: read by the build-overhead benchmark. */
export const hookStats = { load: 0, transform: 0 }
