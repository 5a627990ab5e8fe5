// What popylar-ga says about itself.

export const USAGE =
  'usage: popylar-ga <setup | report | badge> --property <id> [options]   (popylar-ga --help for more)'

export const HELP = `popylar-ga: see the numbers that libraries built with popylar send to your Google Analytics 4

usage:
  popylar-ga setup  --property <id> [--param <name>]... [--dry-run]
  popylar-ga report --property <id> [--package <name>] [--since 28d] [--by day|week] [--json] [--html <file>]
  popylar-ga badge  --property <id> [--package <name>] [--metric imports|users] [--label <text>] > badge.svg

Commands:
  setup    register an event-scoped custom dimension in the property for every parameter the tracker
           sends (package_name, package_version, runtime, runtime_version, os, arch, ci) and for your
           own (--param, once per name); lists what exists; changes nothing that is there already.
           GA4 shows a parameter in reports only once it has a dimension: run setup before you publish.
  report   imports and users over time, by version, runtime, OS, CI and country: a table in the
           terminal, --json for the numbers, --html <file> for one page of charts that opens offline
  badge    a shields-style SVG of the last 30 days' imports (or --metric users), on stdout

Options:
  --property <id>      the GA4 property id: a number, under Admin > Property details (not the G- id)
  --param <name>       setup: one of your own params to register too (repeat for several)
  --dry-run            setup: show what would be created, create nothing
  --package <name>     report, badge: one package (default: every package sending to the property)
  --event <name>       report, badge: the event's name, if your plugin options changed it (default: import)
  --since <span>       report: 28d (default), 12w, or a date such as 2025-01-31; today is included
  --by day|week        report: one point a day (default up to 31 days) or a week
  --json               report: the numbers as JSON
  --html <file>        report: write the page of charts to <file>
  --metric <m>         badge: imports (default) or users
  --label <text>       badge: the left-hand text (default: the metric)
  -h, --help           show this help
  -v, --version        show the version of @popylar/ga

Credentials (a flag wins over the environment; without either, Application Default Credentials):
  POPYLAR_GA_ACCESS_TOKEN=<token>   an OAuth access token with the scope below (or --access-token <token>,
                                    which other users of the machine can see in the process list)
  --key-file <file>                 a service account's JSON key; give the account's email a role in GA4
                                    (Admin > Property access management): Viewer for report and badge,
                                    Editor for setup
  GOOGLE_APPLICATION_CREDENTIALS    Application Default Credentials: a key file named here, or your own
                                    login: gcloud auth application-default login --scopes=<scopes>
  Scopes: setup needs https://www.googleapis.com/auth/analytics.edit, report and badge
  https://www.googleapis.com/auth/analytics.readonly (gcloud also wants .../auth/cloud-platform).

Another API root (a proxy, or a local stand-in for tests):
  --api-root <url> or POPYLAR_GA_API_ROOT=<url>   replaces https://analyticsadmin.googleapis.com,
  https://analyticsdata.googleapis.com and https://oauth2.googleapis.com (the paths stay as they are).
  https only, except on loopback. HTTPS_PROXY is honoured.
`
