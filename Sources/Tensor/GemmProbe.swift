import Synchronization

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
public final class GemmProbe: Sendable {
    public static let shared = GemmProbe()

    public struct Record: Sendable {
        public var calls: [GemmShape] = []
        public var seconds = 0.0
        public var flops: Double { calls.reduce(0) { $0 + $1.flops } }
    }

    private let on = Atomic<Bool>(false)
    private let record = Mutex(Record())

    public init() {}

    public var isOn: Bool { on.load(ordering: .relaxed) }

    /// Clears what was recorded and starts recording.
    public func start() {
        record.withLock { $0 = Record() }
        on.store(true, ordering: .relaxed)
    }

    /// Stops recording and returns what was recorded since `start`.
    @discardableResult
    public func stop() -> Record {
        on.store(false, ordering: .relaxed)
        return record.withLock { $0 }
    }

    func add(_ shape: GemmShape, seconds: Double) {
        record.withLock {
            $0.calls.append(shape)
            $0.seconds += seconds
        }
    }
}
