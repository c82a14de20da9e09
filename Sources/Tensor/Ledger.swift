import Synchronization

/// What a tensor's bytes are for. The ledger totals live and peak bytes per
/// category so a run's memory can be explained, not just measured.
public enum TensorCategory: String, CaseIterable, Sendable, Codable {
    case weights, gradients, optimizer, activations, dataset, other

    var index: Int {
        switch self {
        case .weights: 0
        case .gradients: 1
        case .optimizer: 2
        case .activations: 3
        case .dataset: 4
        case .other: 5
        }
    }
}

/// A point-in-time copy of the ledger's counters.
public struct LedgerSnapshot: Sendable, Equatable {
    public var live: [TensorCategory: Int]
    public var peak: [TensorCategory: Int]
    public var liveTotal: Int
    public var peakTotal: Int
    /// Number of allocations registered since the ledger was created; a
    /// steady training loop must not make this grow.
    public var allocations: Int
}

/// Counts every tensor byte by category. Thread-safe: trainers register and
/// release on their own thread while a sampler thread reads snapshots.
public final class Ledger: Sendable {
    public static let shared = Ledger()

    private struct State {
        var live = [Int](repeating: 0, count: TensorCategory.allCases.count)
        var peak = [Int](repeating: 0, count: TensorCategory.allCases.count)
        var liveTotal = 0
        var peakTotal = 0
        var allocations = 0
    }

    private let state = Mutex(State())

    public init() {}

    func register(bytes: Int, category: TensorCategory) {
        state.withLock { s in
            let i = category.index
            s.live[i] += bytes
            s.peak[i] = max(s.peak[i], s.live[i])
            s.liveTotal += bytes
            s.peakTotal = max(s.peakTotal, s.liveTotal)
            s.allocations += 1
        }
    }

    func release(bytes: Int, category: TensorCategory) {
        state.withLock { s in
            s.live[category.index] -= bytes
            s.liveTotal -= bytes
        }
    }

    /// Live bytes of one category, without building a whole snapshot.
    public func liveBytes(_ category: TensorCategory) -> Int {
        state.withLock { $0.live[category.index] }
    }

    public var liveTotal: Int { state.withLock { $0.liveTotal } }
    public var allocationCount: Int { state.withLock { $0.allocations } }

    public func snapshot() -> LedgerSnapshot {
        state.withLock { s in
            var live: [TensorCategory: Int] = [:]
            var peak: [TensorCategory: Int] = [:]
            for c in TensorCategory.allCases {
                live[c] = s.live[c.index]
                peak[c] = s.peak[c.index]
            }
            return LedgerSnapshot(live: live, peak: peak, liveTotal: s.liveTotal,
                                  peakTotal: s.peakTotal, allocations: s.allocations)
        }
    }

    /// Starts a new peak window (e.g. per epoch): peaks drop to what is live now.
    public func resetPeaks() {
        state.withLock { s in
            s.peak = s.live
            s.peakTotal = s.liveTotal
        }
    }
}
