import Foundation
import Testing

@Suite struct TrainCommandTests {
    @Test func jsonFormatPrintsOneObjectPerEpoch() throws {
        let r = try CLI.run(["train", "--algorithm", "ff", "--layers", "2x32", "--epochs", "2", "--batch-size", "500",
                             "--threads", "1", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for (i, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["epoch"] as? Int == i + 1)
            for key in ["train_loss", "train_error", "test_error", "test_error_goodness", "test_error_softmax",
                        "train_seconds", "eval_seconds"] {
                #expect(object[key] is Double, "\(key)")
            }
        }
    }

    @Test func textFormatReportsShapeParametersAndEpochs() throws {
        let r = try CLI.run(["train", "--algorithm", "bp", "--layers", "784-40-30", "--epochs", "1", "--batch-size", "1000"])
        #expect(r.status == 0, "\(r.stderr)")
        let params = 784 * 40 + 40 + 40 * 30 + 30 + 30 * 10 + 10
        #expect(r.stdout.contains("bp 784-40-30 on mnist"))
        #expect(r.stdout.contains("\(params) parameters"))
        #expect(r.stdout.contains("epoch 1/1"))
        #expect(r.stdout.contains("test err"))
    }

    @Test func divergenceEndsWithAClearMessageAndStatusOne() throws {
        let r = try CLI.run(["train", "--algorithm", "bp", "--layers", "1x16", "--epochs", "2", "--batch-size", "1000",
                             "--lr", "1e12"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("diverged at epoch 1, batch "))
    }

    @Test(arguments: [
        (["--algorithm", "sgd"], "--algorithm"),
        (["--dataset", "imagenet"], "--dataset"),
        (["--layers", "4by2000"], "--layers '4by2000'"),
        (["--layers", "100-50"], "input size"),
        (["--batch-size", "0"], "--batch-size 0"),
        (["--epochs=-3"], "--epochs -3"),
        (["--batch-size", "70000"], "larger than the training set"),
        (["--frobnicate"], "--frobnicate"),
        (["--stack-memory=-1"], "--stack-memory '-1'"),
        (["--softmax-head", "no"], "--negatives 'hard'"),
        (["--softmax-head", "no", "--negatives", "random", "--predict", "softmax"], "--predict 'softmax'"),
        (["--softmax-head", "maybe"], "--softmax-head"),
        // Non-finite and out-of-range numbers are refused at the boundary, never run at chance.
        (["--lr", "inf"], "--lr 'inf'"),
        (["--lr", "1e400"], "--lr '1e400'"),
        (["--weight-decay", "nan"], "--weight-decay 'nan'"),
        (["--label-value", "inf"], "--label-value 'inf'"),
        (["--threshold", "-1"], "--threshold '-1'"),
        (["--peer-normalization", "-5"], "--peer-normalization '-5'"),
        (["--threads", "100000"], "--threads 100000"),
        (["--epochs", "9223372036854775807"], "--epochs 9223372036854775807"),
        (["--seed", "-1"], "--seed '-1'"),
        (["--lr"], "--lr: expected a value"),
    ])
    func badInputIsOneLineAndStatusTwo(args: [String], mentions: String) throws {
        let r = try CLI.run(["train", "--epochs", "1"] + args)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(args): \(r.stderr)")
        #expect(r.stderr.contains(mentions), "\(args): \(r.stderr)")
    }
}
