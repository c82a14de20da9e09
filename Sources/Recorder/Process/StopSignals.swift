import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a polite request to stop: the training
/// loop ends after the current batch, buffered data is flushed, and the
/// process exits with 128 + the signal (130 or 143).
public final class StopSignals: @unchecked Sendable {
    private let received = Atomic<Int32>(0)
    /// Kept alive for the life of the process; only touched by install().
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    public func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                _ = self.received.compareExchange(expected: 0, desired: sig, ordering: .relaxed)
            }
            source.resume()
            sources.append(source)
        }
        // A child spawned from a thread with these blocked would inherit that.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal received, or 0.
    public var receivedSignal: Int32 { received.load(ordering: .relaxed) }
    public var requested: Bool { receivedSignal != 0 }
    /// The conventional exit status for the received signal.
    public var exitStatus: Int32 { 128 + receivedSignal }
}
