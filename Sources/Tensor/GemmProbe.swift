import Synchronization
import Glibc

/// The shape of one GEMM call: C (m x n) = op(A) (m x k) * op(B) (k x n).
public struct GemmShape: Hashable, Codable, Sendable, CustomStringConvertible {
    public var transposeA: Bool
    public var transposeB: Bool
    public var m: Int, n: Int, k: Int

    public init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int) {
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.m = m
        self.n = n
        self.k = k
    }

    /// Multiply-adds count twice, as BLAS benchmarks do.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    public var description: String {
        "\(m)x\(k)\(transposeA ? "ᵀ" : "")·\(k)x\(n)\(transposeB ? "ᵀ" : "")"
    }

    enum CodingKeys: String, CodingKey {
        case m, n, k
        case transposeA = "transpose_a"
        case transposeB = "transpose_b"
    }
}

/// Records every GEMM call's shape and the time spent inside BLAS while
/// switched on, so a benchmark can learn exactly which products a training
/// step runs and how much of the step they take. Off, it costs one atomic
/// load per call.
///
/// Only calls made on the thread that started it are recorded: the probe is
/// one per process, and another thread's products (a second test, a canary)
/// are not the step being measured.
public final class GemmProbe: Sendable {
    public static let shared = GemmProbe()

    public struct Record: Sendable {
        public var calls: [GemmShape] = []
        public var seconds = 0.0
        public var flops: Double { calls.reduce(0) { $0 + $1.flops } }
    }

    /// The recording thread's id, or 0 while off.
    private let owner = Atomic<UInt>(0)
    private let record = Mutex(Record())

    public init() {}

    /// Whether calls made on the current thread are being recorded.
    public var isOn: Bool {
        let id = owner.load(ordering: .relaxed)
        return id != 0 && id == Self.currentThread
    }

    /// Clears what was recorded and starts recording this thread's calls.
    public func start() {
        record.withLock { $0 = Record() }
        owner.store(Self.currentThread, ordering: .relaxed)
    }

    /// Stops recording and returns what was recorded since `start`.
    @discardableResult
    public func stop() -> Record {
        owner.store(0, ordering: .relaxed)
        return record.withLock { $0 }
    }

    private static var currentThread: UInt { UInt(pthread_self()) }

    func add(_ shape: GemmShape, seconds: Double) {
        record.withLock {
            $0.calls.append(shape)
            $0.seconds += seconds
        }
    }
}
