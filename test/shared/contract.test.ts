/**
 * The shared (SharedArrayBuffer) channel against the channel contract, both parties in this
 * thread: every statement that holds for in-thread channels holds here too. The cross-thread
 * behaviour (other parties in workers) is tested in the other files of this folder.
 */
import { sharedChan } from '../../src/index.js';
import { channelContract } from '../contract/channel-contract.js';

channelContract('shared f64', (capacity) => sharedChan({ type: 'f64', capacity }) as never, {
  falsyValues: [0, -0, NaN],
  pendingPutsAtClose: 'rejected',
  rendezvousPutArms: false,
});

// Object channels: the same contract through a byte ring and the JSON codec (numbers are
// JSON values; NaN is not, it arrives as null). Other codecs: ./object-channel.test.ts.
channelContract('shared json', (capacity) => sharedChan({ capacity }) as never, {
  falsyValues: [0, null, false, ''],
  pendingPutsAtClose: 'rejected',
  rendezvousPutArms: false,
});
