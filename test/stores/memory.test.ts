import { createMemoryStore } from '../../src/verifier/index.js'
import { describeStore } from './behaviour.js'

describeStore('memory', async () => createMemoryStore())
