import { createMemoryStore } from '../../dist/verifier/index.js'
import { describeStore } from './behaviour.js'

describeStore('memory', async () => createMemoryStore())
