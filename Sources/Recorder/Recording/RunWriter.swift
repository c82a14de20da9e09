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

    /// The first write error, if any (the run goes on; the caller reports it).
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

    /// - Returns: whether the writer was asked to stop.
    private func flush() -> Bool {
        let (samples, events, epochs, stopping) = pending.withLock { p in
            defer { p.samples.removeAll(keepingCapacity: true); p.events.removeAll(); p.epochs.removeAll() }
            return (p.samples, p.events, p.epochs, p.stopping)
        }
        let id = runID
        do {
            try store.write { db in
                let sampleStatement = try db.cachedStatement(sql: "INSERT INTO samples (run_id, t, metric, value) VALUES (?, ?, ?, ?)")
                for s in samples { try sampleStatement.execute(arguments: [s.runID, s.t, s.metric, s.value]) }
                for e in events { try e.insert(db) }
                for e in epochs { try e.upsert(db) }
                try db.execute(sql: "UPDATE runs SET heartbeat_at = ? WHERE id = ?", arguments: [Timestamp.now(), id])
            }
        } catch {
            pending.withLock { if $0.failure == nil { $0.failure = error } }
        }
        return stopping
    }
}
