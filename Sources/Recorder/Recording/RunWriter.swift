import Foundation
import RunStore
import Synchronization
import Tensor

/// Writes a run's samples, events and epochs on its own thread, batched in
/// one transaction at least every `flushInterval` seconds, so the training
/// thread only ever appends to an in-memory queue. Each flush also beats
/// the run's heartbeat.
public final class RunWriter: Sendable {
    private struct Pending {
        var samples: [SampleRecord] = []
        var events: [EventRecord] = []
        var epochs: [EpochRecord] = []
        var stopping = false
        var failure: RunStoreError?
    }

    public let store: RunStore
    public let runID: String
    private let flushInterval: Double
    private let pending = Mutex(Pending())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let cpu = Mutex(0.0)

    public init(store: RunStore, runID: String, flushInterval: Double = 0.25) {
        self.store = store
        self.runID = runID
        self.flushInterval = flushInterval
        let thread = Thread { [self] in loop() }
        thread.name = "ffbench-writer"
        thread.start()
    }

    public func add(samples: [SampleRecord]) {
        pending.withLock { $0.samples.append(contentsOf: samples) }
    }

    public func add(event kind: String, _ message: String, t: Double) {
        pending.withLock { $0.events.append(EventRecord(runID: runID, t: t, kind: kind, message: message)) }
    }

    /// Epoch rows are written promptly: a reader watching the database
    /// sees each epoch as it ends.
    public func add(epoch: EpochRecord) {
        pending.withLock { $0.epochs.append(epoch) }
        wake.signal()
    }

    /// The error of the last flush when it failed: rows are still queued
    /// (the run goes on; `finish` refuses to call such a run completed).
    public var failure: RunStoreError? { pending.withLock { $0.failure } }

    /// CPU seconds the writing thread used, known once `close` returns.
    public var cpuSeconds: Double { cpu.withLock { $0 } }

    /// Writes everything still queued and stops the thread.
    public func close() {
        pending.withLock { $0.stopping = true }
        wake.signal()
        done.wait()
    }

    private func loop() {
        while true {
            _ = wake.wait(timeout: .now() + flushInterval)
            let stopping = flush()
            if stopping { break }
        }
        cpu.withLock { $0 = Monotonic.threadCPU() }
        done.signal()
    }

    /// Writes what is queued in one transaction. A batch that fails is put
    /// back, in order, to be tried again with the next flush: nothing the
    /// run produced is dropped, and `failure` says the store is behind.
    /// - Returns: whether the writer was asked to stop.
    private func flush() -> Bool {
        let (samples, events, epochs, stopping) = pending.withLock { p in
            defer { p.samples.removeAll(keepingCapacity: true); p.events.removeAll(); p.epochs.removeAll() }
            return (p.samples, p.events, p.epochs, p.stopping)
        }
        do {
            try store.append(run: runID, epochs: epochs, samples: samples, events: events)
            pending.withLock { $0.failure = nil }
        } catch {
            pending.withLock { p in
                p.samples.insert(contentsOf: samples, at: 0)
                p.events.insert(contentsOf: events, at: 0)
                p.epochs.insert(contentsOf: epochs, at: 0)
                p.failure = error
            }
        }
        return stopping
    }
}
