// ESM entry: the same objects as the CommonJS entry, as named exports.
import unicors from './index.js'

export const { Policy, LivePolicy, COUNTER_NAMES, ConfigError, REQUEST_HEADER_NAMES, cors, handle } = unicors
export const fastifyCors = unicors.fastifyCors
export default unicors
