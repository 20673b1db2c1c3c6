'use strict'
/**
 * The core's decisions as frozen JavaScript objects: from the answer
 * string of the fast crossing (`decideFast`: lines of kind, status, Vary
 * bits, reason index, a bit per header to clear, then a name index line and
 * a value line per header; the indexes into the core's tables), or
 * from the object of the general crossing. Each object is prepared for
 * applying (apply.js) and frozen all the way down, since caches share it.
 */

const native = require('../index.js')
const { prepareDecision } = require('./apply.js')
const { AnswerCache } = require('./cache.js')

const TABLES = native.decisionTables()
const HEADER_NAMES = TABLES.headerNames
const LOWERCASE_NAMES = HEADER_NAMES.map((name) => name.toLowerCase())
const answers = new AnswerCache()

/**
 * A decision shared by every request that gets it: prepared for applying
 * (with the lowercase names of the headers to clear), frozen all the way
 * down.
 */
function freezeDecision (decision, clear) {
  prepareDecision(decision, clear)
  for (const pair of decision.headers) Object.freeze(pair)
  Object.freeze(decision.headers)
  return Object.freeze(decision)
}

function parseAnswer (answer) {
  const lines = answer.split('\n')
  const headers = []
  for (let i = 5; i + 1 < lines.length; i += 2) headers.push([HEADER_NAMES[Number(lines[i])], lines[i + 1]])
  // Absent fields are left out, as in the general crossing's objects.
  const decision = { kind: lines[0], headers, vary: TABLES.vary[Number(lines[2])] }
  if (lines[1] !== '') decision.status = Number(lines[1])
  if (lines[3] !== '') [decision.reason, decision.reasonMessage] = TABLES.reasons[Number(lines[3])]
  const clear = Number(lines[4])
  return freezeDecision(decision, LOWERCASE_NAMES.filter((name, bit) => clear & (1 << bit)))
}

/** A decision of the general crossing (an object with `headersToClear`). */
function freezeObject (native) {
  const { headersToClear, ...decision } = native
  return freezeDecision(decision, headersToClear)
}

/** The decision an answer string describes (made once per distinct answer). */
function decisionOf (answer) {
  let decision = answers.get(answer)
  if (decision === undefined) {
    decision = parseAnswer(answer)
    answers.set(answer, decision)
  }
  return decision
}

/** What differs, by difference bits: frozen arrays of names (`kind` is bit 0). */
const DIFFERENCE_NAMES = Object.freeze(Array.from({ length: 32 }, (_, bits) =>
  Object.freeze(TABLES.differences.filter((name, bit) => bits & (1 << bit)))))

module.exports = { decisionOf, freezeObject, DIFFERENCE_NAMES, TABLES }
