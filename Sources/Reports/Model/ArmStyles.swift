import Analysis
import Charts

/// Every arm's label, colour and marker: the same in every figure, table
/// and legend of a report. FF keeps vermillion circles and BP blue squares;
/// other arms take the rest of the Okabe–Ito palette in name order.
struct ArmStyles {
    private var styles: [String: (color: RGB, marker: Marker)] = [:]
    private var infos: [String: ArmInfo] = [:]
    /// Frameworks are named beside every arm when more than one took part.
    let showFramework: Bool

    init(_ arms: [ArmInfo]) {
        var seen: [String: ArmInfo] = [:]
        for a in arms where seen[a.name] == nil { seen[a.name] = a }
        infos = seen
        showFramework = Set(seen.values.map(\.framework)).count > 1
        let colours = [Palette.bluishGreen, Palette.orange, Palette.reddishPurple, Palette.skyBlue, Palette.grey, Palette.black]
        let markers: [Marker] = [.triangle, .diamond, .invertedTriangle, .cross]
        var next = 0
        for name in seen.keys.sorted() {
            switch name.lowercased() {
            case "ff": styles[name] = (Palette.ff, .circle)
            case "bp": styles[name] = (Palette.bp, .square)
            default:
                styles[name] = (colours[next % colours.count], markers[next % markers.count])
                next += 1
            }
        }
    }

    /// "FF", "ff-nohead", or with several frameworks "torch-ff (FF, pytorch)".
    func label(_ name: String) -> String {
        guard let a = infos[name] else { return name }
        return showFramework ? a.titleWithFramework : a.title
    }

    func label(_ a: ArmInfo) -> String { label(a.name) }

    func series(_ arm: String, points: [Point], fit: PowerLaw? = nil, suffix: String = "") -> Series {
        Series(name: label(arm) + suffix, points: points, fit: fit, color: styles[arm]?.color, marker: styles[arm]?.marker)
    }
}
