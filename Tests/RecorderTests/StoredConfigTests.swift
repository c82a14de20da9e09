import Exports
import Foundation
import Recorder
import RunStore
import Testing
import Training

/// The report states a run's settings from what RunStore reads back: every
/// setting Training writes must come back under the same meaning.
@Suite struct StoredConfigTests {
    @Test func everyStatedSettingReadsBackAsWritten() throws {
        var config = try RunSpec.resolve(RunOptions.parse(arguments: ["--algorithm", "ff", "--layers", "2x500", "--batch-size", "50"])).config
        config.optimizer = .init(kind: .sgd, learningRate: 0.02, momentum: 0.8, dampening: 0.5, weightDecay: 0.001, decayStyle: .separate)
        config.schedule = .halfLinear
        config.ff.labelValue = 2
        config.ff.threshold = 3
        config.ff.negatives = .random
        config.ff.layerSchedule = .greedy
        config.ff.peerNormalization = 0.05
        config.ff.peerMomentum = 0.7
        config.ff.goodnessFromLayer = 1
        config.ff.headFromLayer = 3
        config.ff.softmaxHead = false
        config.ff.prediction = .softmax
        config.ff.centerInputs = true
        var run = RunRecord(algorithm: "ff")
        run.configJSON = JSONOutput.line(config)
        let read = try #require(run.config)
        #expect(read.algorithm == "ff" && read.layers == config.layers && read.batchSize == 50 && read.epochs == config.epochs)
        #expect(read.schedule == "half-linear")
        let o = try #require(read.optimizer)
        // Written as Float, read as Double: equal at Float precision.
        func float(_ v: Double?) -> Float? { v.map(Float.init) }
        #expect(o.kind == "sgd" && float(o.learningRate) == 0.02 && float(o.momentum) == 0.8 && float(o.dampening) == 0.5)
        #expect(float(o.weightDecay) == 0.001 && o.decayStyle == "separate")
        let f = try #require(read.ff)
        #expect(f.labelValue == 2 && f.threshold == 3 && f.negatives == "random" && f.layerSchedule == "greedy")
        #expect(float(f.peerNormalization) == 0.05 && float(f.peerMomentum) == 0.7)
        #expect(f.goodnessFromLayer == 1 && f.headFromLayer == 3 && f.softmaxHead == false)
        #expect(f.prediction == "softmax" && f.centerInputs == true)
        #expect(f.head?.kind == "sgd" && f.head?.decayStyle == "separate")
    }

    @Test func thisMachinesFactsReadBackWhole() throws {
        let facts = ThisHost.facts()
        var run = RunRecord(algorithm: "bp")
        run.hostJSON = JSONOutput.line(facts)
        #expect(run.host == facts)
        #expect(facts.smtSiblings != nil && facts.cores > 0)
    }
}
