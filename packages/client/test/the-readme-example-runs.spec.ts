import { describeReadmeExamples } from '@rendezvous/test-utils'

describeReadmeExamples(new URL('../README.md', import.meta.url), { packageDir: new URL('../', import.meta.url) })
