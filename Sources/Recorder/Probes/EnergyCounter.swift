import Foundation

/// The CPU packages' energy counters (powercap RAPL), where the machine has
/// them. Each zone counts microjoules up to its range and wraps to 0.
public struct EnergyCounter: Sendable {
    public struct Zone: Sendable, Equatable {
        public var path: String
        public var range: Double
    }

    public let zones: [Zone]
    public static let root = "/sys/class/powercap"

    /// The package zones (`intel-rapl:N`, named `package-N`), or why there are none.
    public static func find(root: String = root) -> Result<EnergyCounter, Unavailable> {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: root) else {
            return .failure(Unavailable(reason: "no powercap in \(root): this machine (a virtual machine here) exposes no energy counter"))
        }
        var zones: [Zone] = []
        for e in entries.sorted() where e.range(of: #"^[a-z-]+:\d+$"#, options: .regularExpression) != nil {
            let dir = "\(root)/\(e)"
            let name = ProcessProbe.read("\(dir)/name")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard name.hasPrefix("package"), ProcessProbe.read("\(dir)/energy_uj").flatMap(parseNumber) != nil,
                  let range = ProcessProbe.read("\(dir)/max_energy_range_uj").flatMap(parseNumber) else { continue }
            zones.append(Zone(path: "\(dir)/energy_uj", range: range))
        }
        guard !zones.isEmpty else {
            return .failure(Unavailable(reason: "no readable RAPL package zone in \(root) (none, or energy_uj is readable by root only)"))
        }
        return .success(EnergyCounter(zones: zones))
    }

    public struct Unavailable: Error, Sendable, Equatable { public var reason: String }

    static func parseNumber(_ text: String) -> Double? { Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// Each zone's counter now, in microjoules.
    public func read() -> [Double]? {
        let values = zones.compactMap { ProcessProbe.read($0.path).flatMap(Self.parseNumber) }
        return values.count == zones.count ? values : nil
    }

    /// Joules between two readings, each zone's wrap-around undone (a
    /// counter lower than before has passed its range once).
    public func joules(from a: [Double], to b: [Double]) -> Double {
        zip(zones, zip(a, b)).reduce(0) { sum, z in
            let (zone, (x, y)) = z
            return sum + (y >= x ? y - x : y + zone.range - x) / 1e6
        }
    }

    /// What `ffbench env` and reports say about energy.
    public static func describe(root: String = root) -> String {
        switch find(root: root) {
        case .success(let c): return "measured: RAPL, \(c.zones.count) package zone(s)"
        case .failure(let u): return "not measured: \(u.reason)"
        }
    }
}
