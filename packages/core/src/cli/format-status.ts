// The status, told to a person: the verdict first, then every channel and where it was found.
import type { Channel, TrackingStatus } from '../runtime/package/choices.js'

function optInLine(status: TrackingStatus): string {
  if (status.optedIn) return 'given for every library'
  const packages = Object.keys(status.packages).filter((name) => status.packages[name])
  const waiting = "libraries built with consent: 'opt-in' send nothing"
  return packages.length ? `given for ${packages.join(', ')}; other ${waiting}` : `not given: ${waiting}`
}

function channelLine({ channel, inEffect, where, detail }: Channel): string {
  const place = where && where !== 'environment' && !detail?.includes(where) ? ` (${where})` : ''
  return `  ${inEffect ? 'in effect    ' : 'not in effect'}  ${channel}${detail ? `: ${detail}` : ''}${place}`
}

export function formatStatus(status: TrackingStatus): string {
  const tracking = status.tracking
    ? 'on: each library built with popylar may send one anonymous event per process'
    : `off: ${status.reason}`
  const lines = [
    `tracking     ${tracking}`,
    `opt-in       ${optInLine(status)}`,
    `config file  ${status.configFile || 'none'}${status.configProblem ? `\nproblem      ${status.configProblem}` : ''}`,
    `client id    ${status.clientId ?? 'none yet: a random UUID is created when a library first sends'}`,
    `waiting      ${status.waiting ? `${status.waiting} event${status.waiting > 1 ? 's' : ''} that earlier runs could not send, for the next run that sends` : 'nothing'}`,
    '',
    'Opt-out channels (any one in effect stops tracking):',
    ...status.channels.map(channelLine),
  ]
  return `${lines.join('\n')}\n`
}
