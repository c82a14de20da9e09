import CPool

/// The process's compute threads (`Sources/CPool`): OpenBLAS runs at one
/// thread and each product is split over these, and elementwise work runs
/// on the same threads, so nothing spins beside them. The count is
/// `BLAS.threads`.
public enum Pool {
    /// Runs `body(part, parts)` for every part, each on its own thread, and
    /// returns when all are done. Nested or concurrent use runs the parts
    /// one after another on the caller: the same parts, the same results.
    public static func run(parts: Int, _ body: (Int, Int) -> Void) {
        guard parts > 1 else { body(0, 1); return }
        withoutActuallyEscaping(body) { escapable in
            var task = Task(body: escapable)
            withUnsafeMutablePointer(to: &task) { pointer in
                ffb_pool_run({ context, part, parts in
                    context!.assumingMemoryBound(to: Task.self).pointee.body(Int(part), Int(parts))
                }, pointer, Int32(parts))
            }
        }
    }

    /// CPU seconds the worker threads have used (read it inside a part, while the pool is held).
    public static var workerCPUSeconds: Double { ffb_pool_worker_cpu_seconds() }

    private struct Task {
        let body: (Int, Int) -> Void
    }
}

/// Splits elementwise work over the threads `BLAS.setThreads` allows: an
/// optimizer step streams every parameter, its gradient and its state
/// through memory, and one core cannot saturate the memory bus. Small
/// arrays run inline; results do not depend on the split (each element is
/// updated by itself).
public enum Chunks {
    public static let minimum = 1 << 18

    /// - Parameter minimum: the fewest items worth a thread of their own.
    public static func run(_ count: Int, minimum: Int = minimum, _ body: (Range<Int>) -> Void) {
        let threads = min(BLAS.threads, count / minimum)
        guard threads > 1 else { body(0..<count); return }
        let size = (count + threads - 1) / threads
        Pool.run(parts: threads) { t, _ in body(t * size..<min(count, (t + 1) * size)) }
    }
}
