// What the popylar command says about itself.

export const USAGE =
  'usage: popylar <opt-out [package] | opt-in [package] | status [--json] | reset> [--help] [--version]'

export const HELP = `popylar: your say over the anonymous usage events that libraries built with popylar send

${USAGE}

Commands:
  opt-out [package]   stop every library built with popylar on this machine from sending, or only [package];
                      without a package, also delete the events that wait to be sent
  opt-in [package]    allow sending again; libraries built with consent: 'opt-in' send only after this
  status              whether tracking is on, every opt-out channel (in effect or not, and where),
                      and how many events of earlier runs wait to be sent
  status --json       the same, as JSON
  reset               replace the anonymous client id with a new random one, and delete waiting events

Options:
  -h, --help          show this help
  -v, --version       show the version of @popylar/core

Other ways to say no, checked by every library each time it runs (any "no" wins):
  DO_NOT_TRACK=1 or POPYLAR_DISABLED=1 in the environment
  "popylar": {"track": false} in a project's package.json (for everything run from that project)
  track = False in the Python popylar's ~/.popylar

POPYLAR_DEBUG=1 prints each request instead of sending it.
Choices are kept in $XDG_CONFIG_HOME/popylar/config.json (default ~/.config/popylar/config.json);
events that a program ended too soon to send wait beside it, in the outbox folder.
`
