/// Inputs a statistic cannot be computed from. Never a trap, never a NaN
/// passed off as a p-value.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
    case tooFewValues(what: String, count: Int, needed: Int)
    case nonFinite(what: String)
    case undefined(what: String, reason: String)
    case mismatchedPairs(Int, Int)

    public var description: String {
        switch self {
        case .tooFewValues(let what, let count, let needed): "\(what): \(count) value\(count == 1 ? "" : "s"), need at least \(needed)"
        case .nonFinite(let what): "\(what): contains NaN or infinite values"
        case .undefined(let what, let reason): "\(what): undefined (\(reason))"
        case .mismatchedPairs(let a, let b): "paired test: groups have \(a) and \(b) values; pairs need equal sizes"
        }
    }
}

func requireFinite(_ x: [Double], _ what: String, atLeast n: Int) throws(AnalysisError) {
    guard x.allSatisfy(\.isFinite) else { throw .nonFinite(what: what) }
    guard x.count >= n else { throw .tooFewValues(what: what, count: x.count, needed: n) }
}
