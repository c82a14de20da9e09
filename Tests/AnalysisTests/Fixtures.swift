import Foundation

/// A parsed JSON value. JSONDecoder is used (not JSONSerialization, which on
/// Linux turns long decimals into NSDecimalNumber and loses the last bits).
enum JSON: Decodable {
    case number(Double), string(String), bool(Bool), array([JSON]), object([String: JSON]), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    subscript(_ key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var array: [JSON] { if case .array(let a) = self { return a }; return [] }
    var object: [String: JSON]? { if case .object(let o) = self { return o }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }

    /// Numbers, with "inf", "-inf" and "nan" spelled as strings.
    var number: Double? {
        switch self {
        case .number(let d): return d
        case .string(let s): return s == "inf" ? .infinity : s == "-inf" ? -.infinity : s == "nan" ? .nan : nil
        default: return nil
        }
    }

    var numbers: [Double] { array.map { $0.number ?? .nan } }
}

/// The SciPy reference cases (scripts/make-stats-fixtures.py writes them).
enum Fixture {
    static let document: JSON = {
        let url = Bundle.module.url(forResource: "stats_cases", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(JSON.self, from: Data(contentsOf: url))
    }()

    static var cases: [JSON] { document["cases"]!.array }

    /// |a - b| <= 1e-9 |b|, or <= 1e-12 near zero; infinities must match exactly.
    static func close(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 1e-12) -> Bool {
        if a.isInfinite || b.isInfinite { return a == b }
        return abs(a - b) <= max(relative * abs(b), absolute)
    }
}
