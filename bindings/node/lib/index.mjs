// ESM entry: the same objects as the CommonJS entry, as named exports.
import unicors from './index.js'

export const { Policy, ConfigError, REQUEST_HEADER_NAMES } = unicors
export default unicors
