import Tensor
import Training
import Foundation
import Synchronization

/// Calls `take` every `interval` seconds on its own thread, on a fixed
/// schedule (drift-free), until stopped.
public final class Sampler: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private let cpu = Mutex(0.0)

    public init(interval: Double, take: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            var next = Monotonic.now()
            while !stopped.load(ordering: .relaxed) {
                take()
                next += interval
                let wait = next - Monotonic.now()
                if wait > 0 { usleep(UInt32(min(wait, 1) * 1e6)) } else { next = Monotonic.now() }
            }
            cpu.withLock { $0 = Monotonic.threadCPU() }
            done.signal()
        }
        thread.name = "ffbench-sampler"
        thread.start()
    }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
        done.wait()
    }

    /// CPU seconds the sampling thread used, known once `stop` returns.
    public var cpuSeconds: Double { cpu.withLock { $0 } }
}


