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
  rendezvousPutArms: true,
});

// Object channels: the same contract through a byte ring and the JSON codec (numbers are
// JSON values; NaN is not, it arrives as null). Other codecs: ./object-channel.test.ts.
channelContract('shared json', (capacity) => sharedChan({ capacity }) as never, {
  falsyValues: [0, null, false, ''],
  pendingPutsAtClose: 'rejected',
  rendezvousPutArms: true,
});

// Prefetch (shared-port.ts H7): the same contract when the getting thread takes up to 64
// values at once into a local buffer. A rendezvous cannot prefetch (setPrefetch refuses it),
// so capacity 0 runs without.
channelContract(
  'shared f64, setPrefetch(64)',
  (capacity) => (capacity === 0 ? sharedChan({ type: 'f64', capacity }) : sharedChan({ type: 'f64', capacity }).setPrefetch(64)) as never,
  {
    falsyValues: [0, -0, NaN],
    pendingPutsAtClose: 'rejected',
    rendezvousPutArms: true,
    prefetch: 64,
  },
);

// Single-producer single-consumer (spsc-ring.ts): here one thread is both the producer and the
// consumer, which S1 allows. A rendezvous cannot be spsc (sharedChan refuses it), so capacity 0
// runs on the multi-party ring.
channelContract(
  'shared f64, spsc',
  (capacity) => sharedChan({ type: 'f64', capacity, spsc: capacity > 0 }) as never,
  {
    falsyValues: [0, -0, NaN],
    pendingPutsAtClose: 'rejected',
    rendezvousPutArms: true,
  },
);

// Both at once, as the README suggests for a worker streaming to one consumer.
channelContract(
  'shared f64, spsc and setPrefetch(64)',
  (capacity) => (capacity === 0 ? sharedChan({ type: 'f64', capacity }) : sharedChan({ type: 'f64', capacity, spsc: true }).setPrefetch(64)) as never,
  {
    falsyValues: [0, -0, NaN],
    pendingPutsAtClose: 'rejected',
    rendezvousPutArms: true,
    prefetch: 64,
  },
);
