import Foundation
import Testing
import Training
@testable import Recorder

/// Study specs: every run option is a key, the grid expands, precedence
/// holds (options < arm < grid point < command line), and bad input is one
/// line naming the key.
@Suite struct StudySpecTests {
    static func parse(_ yaml: String) throws -> StudySpec { try StudySpec.parse(yaml, path: "s.yaml", defaultName: "s") }

    static let base = "study: s\ndataset: mnist\nepochs: 2\nseeds: [1, 2]\n"

    /// A valid value for every run option (the test fails when an option is added without one).
    static let examples: [String: String] = [
        "dataset": "fashion-mnist", "algorithm": "bp", "preset": "hinton", "layers": "2x64", "epochs": "3", "batch-size": "50",
        "seed": "7", "optimizer": "adam", "lr": "0.01", "momentum": "0.5", "dampening": "0.5", "weight-decay": "0.001",
        "decay-style": "separate", "schedule": "constant", "threads": "1", "label-value": "2", "threshold": "3",
        "negatives": "random", "layer-schedule": "greedy", "peer-normalization": "0", "goodness-from": "1", "head-from": "1",
        "softmax-head": "no", "eval-every": "2", "test-every": "3", "validation": "1000", "micro-batch": "50", "checkpoint": "sqrt", "batches": "20", "center-inputs": "yes", "goodness": "min-ssq", "predict": "goodness",
        "head-lr": "0.2", "head-weight-decay": "0.01", "stack-memory": "0",
    ]

    @Test func everyRunOptionIsAStudyKey() throws {
        #expect(Set(Self.examples.keys) == Set(RunOptions.all.map(\.name)), "every option needs an example here")
        for option in RunOptions.all where !StudySpec.studyOnly.contains(option.name) {
            let value = Self.examples[option.name]!
            var options = ["algorithm": "ff", "negatives": "random"]
            options[option.name] = value
            let lines = options.keys.sorted().map { "    \($0): \(options[$0]!)" }.joined(separator: "\n")
            let spec = try Self.parse(Self.base + "arms:\n  a:\n" + lines + "\n")
            let run = spec.plan[0]
            // Accepted by the spec, resolved like a command line, and the same as the flag gives.
            let fromSpec = try spec.spec(of: run)
            let fromFlags = try RunSpec.resolve(RunOptions.parse(arguments: spec.options(of: run).flatMap { ["--\($0.name)", $0.value] }))
            #expect(fromSpec == fromFlags, "\(option.name)")
        }
        // The study's own keys are not arm options.
        #expect(throws: StudyError.self) { try Self.parse(Self.base + "arms: {a: {algorithm: ff, seed: 3}}\n") }
    }

    @Test func gridExpandsIntoNamedArmsAndPrecedenceHolds() throws {
        var spec = try Self.parse(Self.base + """
            options: {layers: 2x64, lr: 0.1, batch-size: 100}
            grid: {layers: [2x32, 3x32], batch-size: [50, 100]}
            arms:
              ff: {algorithm: ff, lr: 0.2}
              bp: {algorithm: bp}
            """)
        #expect(spec.arms.map(\.name) == ["ff[layers=2x32,batch-size=50]", "ff[layers=2x32,batch-size=100]",
                                           "ff[layers=3x32,batch-size=50]", "ff[layers=3x32,batch-size=100]",
                                           "bp[layers=2x32,batch-size=50]", "bp[layers=2x32,batch-size=100]",
                                           "bp[layers=3x32,batch-size=50]", "bp[layers=3x32,batch-size=100]"])
        #expect(spec.plan.count == 16)
        #expect(spec.plan.prefix(8).allSatisfy { $0.seed == 1 } && spec.plan.suffix(8).allSatisfy { $0.seed == 2 })
        let ff = try spec.spec(of: spec.plan[0])
        #expect(ff.config.layers == "2x32" && ff.config.batchSize == 50) // grid over options
        #expect(ff.config.optimizer.learningRate == 0.2)                    // arm over options
        #expect(ff.config.epochs == 2 && ff.config.seed == 1 && ff.dataset == .mnist)
        let bp = try spec.spec(of: spec.plan[4])
        #expect(bp.config.optimizer.learningRate == 0.1 && bp.config.algorithm == .bp)
        spec.overrides = [("lr", "0.3"), ("batch-size", "25")]              // command line over everything
        let overridden = try spec.spec(of: spec.plan[0])
        #expect(overridden.config.optimizer.learningRate == 0.3 && overridden.config.batchSize == 25)
    }

    @Test(arguments: [
        ("seeds: -1\n", "seeds"),
        ("seeds: [1, 1]\n", "seeds"),
        ("seeds: \"5-1\"\n", "seeds"),
        ("seeds: [a]\n", "seeds"),
    ])
    func badSeedsAreRefused(line: String, key: String) {
        let yaml = "dataset: mnist\nepochs: 1\n" + line + "arms: {a: {algorithm: ff}}\n"
        #expect { try Self.parse(yaml) } throws: { ($0 as? StudyError)?.description.contains("\(key):") == true }
    }

    @Test func seedRangesAndLists() throws {
        let yaml = "dataset: mnist\nepochs: 1\nseeds: \"3-6\"\narms: {a: {algorithm: ff}}\n"
        #expect(try Self.parse(yaml).seeds == [3, 4, 5, 6])
        #expect(try Self.parse(yaml.replacingOccurrences(of: "\"3-6\"", with: "[0, 9]")).seeds == [0, 9])
    }

    @Test func limitsAndUnsafeNames() throws {
        // Five options aliasing one 100-value anchor would be 10^10 arms: refused before expansion.
        let values = (1...100).map(String.init).joined(separator: ", ")
        let bomb = "dataset: mnist\nepochs: 1\nseeds: [1]\nvalues: &v [\(values)]\n"
        let grid = "grid: {eval-every: *v, goodness-from: *v, head-from: *v, stack-memory: *v, epochs: *v}\narms: {a: {algorithm: ff}}\n"
        #expect { try Self.parse(bomb.replacingOccurrences(of: "values: &v", with: "description: &v") + grid) } throws: {
            ($0 as? StudyError)?.description.contains("grid: more than 1000 combinations") == true
        }
        #expect { try Self.parse("study: ..\ndataset: mnist\nepochs: 1\nseeds: [1]\narms: {a: {algorithm: ff}}\n") } throws: {
            ($0 as? StudyError)?.description.contains("study: '..'") == true
        }
        #expect { try Self.parse(Self.base + "arms: {\"a/b\": {algorithm: ff}}\n") } throws: {
            ($0 as? StudyError)?.description.contains("arms.a/b") == true
        }
        #expect { try Self.parse("dataset: mnist\nepochs: 9223372036854775807\nseeds: [1]\narms: {a: {algorithm: ff}}\n") } throws: {
            ($0 as? StudyError)?.description.contains("epochs:") == true
        }
        // A bad value is named by arm and option, as a flag: no runs start.
        let spec = try Self.parse(Self.base + "arms: {a: {algorithm: ff, lr: -1}}\n")
        #expect { try spec.validate() } throws: { ($0 as? StudyError)?.description == "s.yaml: arms.a: --lr '-1': expected a positive finite number" }
    }

    @Test func theAnalysisPlanIsDeclared() throws {
        let spec = try Self.parse(Self.base + "baseline: bp\ntarget-error: 0.05\nequivalence-margin: 0.25\npilot-cv: 0.08\nsmallest-effect: 1.2\n"
                                  + "arms: {ff: {algorithm: ff}, bp: {algorithm: bp}}\n")
        let d = spec.declaration.plan
        #expect(d.baseline == "bp" && d.targetError == 0.05 && d.equivalenceMargin == 0.25 && d.pilotCV == 0.08 && d.smallestEffect == 1.2)
        #expect { try Self.parse(Self.base + "baseline: cnn\narms: {ff: {algorithm: ff}}\n") } throws: {
            ($0 as? StudyError)?.description.contains("baseline: 'cnn' is not an arm") == true
        }
    }
}
