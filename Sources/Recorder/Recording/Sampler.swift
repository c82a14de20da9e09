import Tensor
import Training
import Foundation
import Synchronization

/// Calls `take` every `interval` seconds on its own thread, on a fixed
/// schedule (drift-free), until stopped.
public final class Sampler: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    public init(interval: Double, take: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            var next = Monotonic.now()
            while !stopped.load(ordering: .relaxed) {
                take()
                next += interval
                let wait = next - Monotonic.now()
                if wait > 0 { usleep(UInt32(min(wait, 1) * 1e6)) } else { next = Monotonic.now() }
            }
            done.signal()
        }
        thread.name = "ffbench-sampler"
        thread.start()
    }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
        done.wait()
    }
}


