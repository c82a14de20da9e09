/// The analysis plan a study declares before any run (`studies` columns;
/// docs/analysis.md): what a study spec sets, what the store keeps, and
/// what a command line may override. Nil: not declared (Analysis's
/// `AnalysisPlan` states the default it uses instead).
public struct PlanDeclaration: Codable, Sendable, Equatable {
    /// The arm every other arm is compared with.
    public var baseline: String?
    /// Error that defines time to target (a fraction).
    public var targetError: Double?
    /// Half-width of the accuracy equivalence region, in percentage points.
    public var equivalenceMargin: Double?
    /// Coefficient of variation of one run's time or memory, from a pilot.
    public var pilotCV: Double?
    /// The smallest ratio worth detecting, and the edge of "practically equal".
    public var smallestEffect: Double?

    public init(baseline: String? = nil, targetError: Double? = nil, equivalenceMargin: Double? = nil,
                pilotCV: Double? = nil, smallestEffect: Double? = nil) {
        (self.baseline, self.targetError, self.equivalenceMargin) = (baseline, targetError, equivalenceMargin)
        (self.pilotCV, self.smallestEffect) = (pilotCV, smallestEffect)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseline
        case targetError = "target_error"
        case equivalenceMargin = "equivalence_margin"
        case pilotCV = "pilot_cv"
        case smallestEffect = "smallest_effect"
    }

    /// Writes every column, null where not declared, so a declaration
    /// stored again replaces the old one whole.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(baseline, forKey: .baseline)
        try c.encode(targetError, forKey: .targetError)
        try c.encode(equivalenceMargin, forKey: .equivalenceMargin)
        try c.encode(pilotCV, forKey: .pilotCV)
        try c.encode(smallestEffect, forKey: .smallestEffect)
    }

    /// The stored names of the values declared here.
    public var declaredNames: [String] {
        let given: [CodingKeys: Bool] = [.baseline: baseline != nil, .targetError: targetError != nil,
                                         .equivalenceMargin: equivalenceMargin != nil, .pilotCV: pilotCV != nil,
                                         .smallestEffect: smallestEffect != nil]
        return CodingKeys.allCases.filter { given[$0]! }.map(\.rawValue)
    }

    /// These values with `other`'s declared ones on top.
    public func overridden(by other: PlanDeclaration) -> PlanDeclaration {
        PlanDeclaration(baseline: other.baseline ?? baseline, targetError: other.targetError ?? targetError,
                        equivalenceMargin: other.equivalenceMargin ?? equivalenceMargin, pilotCV: other.pilotCV ?? pilotCV,
                        smallestEffect: other.smallestEffect ?? smallestEffect)
    }
}
