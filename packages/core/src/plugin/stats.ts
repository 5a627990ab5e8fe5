/** How often the plugin did real work in this process (an entry chunk written): read by the build-overhead benchmark. */
export const hookStats = { injections: 0 }
