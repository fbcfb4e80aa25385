internal import COpenBLAS
public import MicrogenreTaxonomy

/// Learns ``EmbeddingHeads`` from title embeddings.
///
/// **Classifiers.** Every tag of ``facets`` with at least ``minimumPositives`` positive
/// training titles gets a logistic regression over the embedding. All of them are fitted at
/// once, as one matrix, by full-batch Adam on the mean log loss with an L2 penalty: each step is
/// two matrix products (`Z = X W^T`, `dW = G^T X`) through OpenBLAS. The labels are the same as
/// the term model's: distant supervision (a title's genres, keywords or synopsis name the tag)
/// or given labels. Nothing can be masked from an embedding, so where the text names the tag
/// the head agrees with the rules; what it adds is the titles whose meaning is the tag's
/// although their words are not.
///
/// **Descriptions.** Every other tag of ``descriptionFacets`` that has a description gets a
/// head made from the description's embedding `d`: a title's similarity `s = d . v` is turned
/// into `z = (s - mean) / deviation` over the training titles, and `p = sigmoid(a z + c)`,
/// where `a` and `c` are fitted once, on every rare classifier tag's (z, label) pairs, by
/// Newton's method: how far above the catalog a title's similarity to a description must lie
/// before the tag is likely, learned from the tags whose titles say so.
public struct EmbeddingHeadTrainer {
    /// Tags with fewer positive training titles get a description head instead of a classifier.
    public var minimumPositives = 25
    /// Facets whose tags get classifiers.
    public var facets: Set<String> = [
        "genre", "subject", "tone", "mood", "theme", "source", "setting", "lead", "descriptor",
    ]
    /// Facets whose tags without a classifier get a description head: what a title is like,
    /// never facts such as year, region, format or awards, which meaning cannot tell.
    public var descriptionFacets: Set<String> = ["genre", "subject", "tone", "mood", "theme", "setting", "lead"]
    /// Full-batch Adam steps.
    public var iterations = 150
    /// Adam's step size.
    public var learningRate: Float = 0.05
    /// The L2 penalty on the weights (on the mean loss).
    public var l2: Float = 1e-6
    /// Classifier tags carried by more than this share of titles are left out of the
    /// description calibration, which is for rare tags.
    public var calibrationMaximumPrior: Float = 0.05
    /// The smallest label frequency a classifier keeps (its probabilities are divided by at
    /// most 1 / this): one that fits its own labelled titles poorly is not trusted further.
    public var minimumClassifierLabelFrequency = 0.5
    /// A description head whose tag at least this many training titles name is checked
    /// against them.
    public var minimumCheckingTitles = 3
    /// A checked description head is kept when the titles naming its tag rank, on average,
    /// above this share of the other titles by similarity to the description.
    public var minimumDescriptionAUC = 0.9
    /// The smallest label frequency of the description heads. At 1 (the default) a description
    /// head gives the calibrated probability itself, the chance that a title this similar to
    /// the description names the tag: weak evidence that fires alone only for the most similar
    /// titles. Divided by the pooled label frequency instead (0.2 on the Corpus), each head fired
    /// on about 1 title in 100, and of 50 such tags read on the Corpus 7 were right.
    public var minimumDescriptionLabelFrequency = 1.0

    /// Creates a trainer with the default settings.
    public init() {}

    /// What training did.
    public struct Report: Sendable {
        /// Classifier heads and description heads made.
        public var classifiers = 0
        public var descriptions = 0
        /// The description calibration: `p = sigmoid(slope z + intercept)`.
        public var slope: Float = 0
        public var intercept: Float = 0
        /// The description heads' label frequency: the mean calibrated probability of the
        /// calibration tags' labelled titles.
        public var labelFrequency: Float = 1
        /// The description heads checked against the titles that name their tag: the tag, those
        /// titles, and the area under the ROC curve of the similarity (1: every named title is
        /// more similar to the description than every other title; 0.5: chance).
        public var descriptionChecks: [(tag: TagID, named: Int, auc: Double)] = []
        /// Description heads left out because their check failed.
        public var descriptionsDropped: [TagID] = []
        /// The held-out evaluation of the classifiers (evidence 0.5 or more as the prediction).
        public var evaluation = TagEvaluation()
    }

    /// Trains heads on `vectors` (one per title, `dimension` values each) with `labels` (the
    /// taxonomy indexes of each title's tags); titles with `heldOut` set are only evaluated.
    /// `descriptions` maps a tag index to its description's embedding; `learnable`, when given,
    /// limits classifiers to those tags (labelled training).
    public func train(
        vectors: [[Float]], labels: [Set<Int>], heldOut: [Bool], taxonomy: Taxonomy, identity: String,
        dimension: Int, descriptions: [Int: [Float]], learnable: Set<Int>? = nil,
        progress: (String) -> Void = { _ in }
    ) -> (heads: EmbeddingHeads, report: Report) {
        precondition(vectors.count == labels.count && labels.count == heldOut.count, "one label set per vector")
        let training = vectors.indices.filter { !heldOut[$0] }
        let n = training.count
        let d = dimension
        var report = Report()
        guard n > 0 else { return (EmbeddingHeads(identity: identity, dimension: d, heads: [], weights: []), report) }
        openblas_set_num_threads(Int32(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        var x = [Float](repeating: 0, count: n * d)
        for (row, k) in training.enumerated() {
            precondition(vectors[k].count == d, "every vector has \(d) values")
            for j in 0..<d { x[row * d + j] = vectors[k][j] }
        }
        var positives = [Int](repeating: 0, count: taxonomy.tags.count)
        for k in training {
            for tag in labels[k] { positives[tag] += 1 }
        }
        let learned = taxonomy.tags.indices.filter {
            (learnable?.contains($0) ?? facets.contains(taxonomy.tags[$0].facet)) && positives[$0] >= minimumPositives
        }
        progress("fitting \(learned.count) embedding classifiers on \(n) titles")
        let (w, b) = fitClassifiers(x: x, n: n, d: d, training: training, labels: labels, tags: learned)
        // Each classifier's label frequency: the mean probability of its labelled titles.
        var frequency = [Double](repeating: 0, count: learned.count)
        if !learned.isEmpty {
            var z = [Float](repeating: 0, count: n * learned.count)
            multiply(x, rows: n, w, columns: learned.count, depth: d, into: &z)
            let column = Dictionary(uniqueKeysWithValues: learned.enumerated().map { ($1, $0) })
            for (row, k) in training.enumerated() {
                for tag in labels[k] {
                    guard let c = column[tag] else { continue }
                    frequency[c] += 1 / (1 + exp(-Double(z[row * learned.count + c] + b[c])))
                }
            }
        }
        var heads: [EmbeddingHeads.Head] = []
        var weights: [Float] = []
        for (t, tag) in learned.enumerated() {
            let c = min(1, max(minimumClassifierLabelFrequency, frequency[t] / Double(max(1, positives[tag]))))
            heads.append(
                EmbeddingHeads.Head(
                    tag: taxonomy.tags[tag].id, kind: .classifier, bias: b[t],
                    prior: Float(positives[tag]) / Float(n), labelFrequency: Float(c)))
            weights += w[(t * d)..<((t + 1) * d)]
        }
        report.classifiers = learned.count
        // Held-out evaluation of the classifiers.
        let classifierHeads = EmbeddingHeads(identity: identity, dimension: d, heads: heads, weights: weights)
        for k in vectors.indices where heldOut[k] {
            let p = classifierHeads.probabilities(vectors[k])
            for (h, head) in heads.enumerated() {
                let tag = learned[h]
                report.evaluation.record(
                    tag: head.tag, predicted: EmbeddingHeads.evidence(p[h], of: head) >= 0.5,
                    label: labels[k].contains(tag))
            }
        }
        // Description heads, calibrated on the rare classifier tags.
        let learnedSet = Set(learned)
        let described = descriptions.keys.sorted().filter {
            descriptionFacets.contains(taxonomy.tags[$0].facet) && descriptions[$0]!.count == d
        }
        let calibrating = described.filter {
            learnedSet.contains($0) && Float(positives[$0]) / Float(n) <= calibrationMaximumPrior
        }
        let newHeads = described.filter { !learnedSet.contains($0) && learnable == nil }
        guard !newHeads.isEmpty else {
            return (classifierHeads, report)
        }
        let columns = calibrating + newHeads
        var descriptionMatrix = [Float](repeating: 0, count: columns.count * d)
        for (c, tag) in columns.enumerated() {
            for j in 0..<d { descriptionMatrix[c * d + j] = descriptions[tag]![j] }
        }
        var similarity = [Float](repeating: 0, count: n * columns.count)
        multiply(x, rows: n, descriptionMatrix, columns: columns.count, depth: d, into: &similarity)
        var mean = [Float](repeating: 0, count: columns.count)
        var deviation = [Float](repeating: 0, count: columns.count)
        for c in columns.indices {
            var sum = 0.0
            var squares = 0.0
            for row in 0..<n {
                let s = Double(similarity[row * columns.count + c])
                sum += s
                squares += s * s
            }
            let m = sum / Double(n)
            mean[c] = Float(m)
            deviation[c] = Float(max(1e-6, (squares / Double(n) - m * m).squareRoot()))
        }
        var zs: [Float] = []
        var ys: [Bool] = []
        for (c, tag) in calibrating.enumerated() {
            for (row, k) in training.enumerated() {
                zs.append((similarity[row * columns.count + c] - mean[c]) / deviation[c])
                ys.append(labels[k].contains(tag))
            }
        }
        let (slope, intercept) = zs.isEmpty ? (Float(1), Float(-6)) : Self.fitLogistic(zs, ys)
        var labelled = 0.0
        var sum = 0.0
        for k in zs.indices where ys[k] {
            labelled += 1
            sum += 1 / (1 + exp(-Double(slope * zs[k] + intercept)))
        }
        let descriptionFrequency = labelled > 0 ? min(1, max(minimumDescriptionLabelFrequency, sum / labelled)) : 1
        report.slope = slope
        report.intercept = intercept
        report.labelFrequency = Float(descriptionFrequency)
        var allHeads = heads
        var allWeights = weights
        for (offset, tag) in newHeads.enumerated() {
            let c = calibrating.count + offset
            // The few titles that name the tag check its description: if they are not among
            // the titles most similar to it, the description does not find the tag.
            var named: [Float] = []
            var others: [Float] = []
            for (row, k) in training.enumerated() {
                let s = similarity[row * columns.count + c]
                if labels[k].contains(tag) { named.append(s) } else { others.append(s) }
            }
            if named.count >= minimumCheckingTitles {
                others.sort()
                var above = 0.0
                for s in named {
                    // the share of other titles less similar than this named one
                    var low = 0
                    var high = others.count
                    while low < high {
                        let middle = (low + high) / 2
                        if others[middle] < s { low = middle + 1 } else { high = middle }
                    }
                    above += Double(low) / Double(max(1, others.count))
                }
                let auc = above / Double(named.count)
                report.descriptionChecks.append((taxonomy.tags[tag].id, named.count, auc))
                if auc < minimumDescriptionAUC {
                    report.descriptionsDropped.append(taxonomy.tags[tag].id)
                    continue
                }
            }
            let scale = slope / deviation[c]
            allHeads.append(
                EmbeddingHeads.Head(
                    tag: taxonomy.tags[tag].id, kind: .description, bias: intercept - scale * mean[c], prior: 0,
                    labelFrequency: Float(descriptionFrequency)))
            allWeights += descriptions[tag]!.map { $0 * scale }
        }
        report.descriptions = allHeads.count - heads.count
        return (EmbeddingHeads(identity: identity, dimension: d, heads: allHeads, weights: allWeights), report)
    }

    /// Fits every tag's logistic regression at once by full-batch Adam.
    private func fitClassifiers(
        x: [Float], n: Int, d: Int, training: [Int], labels: [Set<Int>], tags: [Int]
    ) -> (weights: [Float], biases: [Float]) {
        let t = tags.count
        guard t > 0 else { return ([], []) }
        let column = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })
        var positiveCells: [Int] = []  // row * t + column of each positive label
        for (row, k) in training.enumerated() {
            for tag in labels[k] { if let c = column[tag] { positiveCells.append(row * t + c) } }
        }
        var counts = [Float](repeating: 0, count: t)
        for cell in positiveCells { counts[cell % t] += 1 }
        var w = [Float](repeating: 0, count: t * d)
        var b = counts.map { c -> Float in
            let p = min(max(c / Float(n), 1e-6), 1 - 1e-6)
            return log(p / (1 - p))
        }
        var mw = [Float](repeating: 0, count: t * d)
        var vw = [Float](repeating: 0, count: t * d)
        var mb = [Float](repeating: 0, count: t)
        var vb = [Float](repeating: 0, count: t)
        var z = [Float](repeating: 0, count: n * t)
        var gw = [Float](repeating: 0, count: t * d)
        let beta1: Float = 0.9
        let beta2: Float = 0.999
        let epsilon: Float = 1e-8
        let inverseN = 1 / Float(n)
        for step in 1...iterations {
            // z = x w^T + b, then g = (sigmoid(z) - y) / n in place.
            multiply(x, rows: n, w, columns: t, depth: d, into: &z)
            z.withUnsafeMutableBufferPointer { z in
                for row in 0..<n {
                    for c in 0..<t {
                        let logit = z[row * t + c] + b[c]
                        z[row * t + c] = inverseN / (1 + expf(-logit))
                    }
                }
                for cell in positiveCells { z[cell] -= inverseN }
            }
            var gb = [Float](repeating: 0, count: t)
            for row in 0..<n {
                for c in 0..<t { gb[c] += z[row * t + c] }
            }
            // gw = g^T x
            z.withUnsafeBufferPointer { g in
                x.withUnsafeBufferPointer { x in
                    gw.withUnsafeMutableBufferPointer { gw in
                        cblas_sgemm(
                            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(t), Int32(d), Int32(n), 1, g.baseAddress,
                            Int32(t), x.baseAddress, Int32(d), 0, gw.baseAddress, Int32(d))
                    }
                }
            }
            let correction1 = 1 - pow(beta1, Float(step))
            let correction2 = 1 - pow(beta2, Float(step))
            let rate = learningRate
            let penalty = l2
            w.withUnsafeMutableBufferPointer { w in
                for k in 0..<(t * d) {
                    let g = gw[k] + penalty * w[k]
                    mw[k] = beta1 * mw[k] + (1 - beta1) * g
                    vw[k] = beta2 * vw[k] + (1 - beta2) * g * g
                    w[k] -= rate * (mw[k] / correction1) / ((vw[k] / correction2).squareRoot() + epsilon)
                }
            }
            for c in 0..<t {
                mb[c] = beta1 * mb[c] + (1 - beta1) * gb[c]
                vb[c] = beta2 * vb[c] + (1 - beta2) * gb[c] * gb[c]
                b[c] -= rate * (mb[c] / correction1) / ((vb[c] / correction2).squareRoot() + epsilon)
            }
        }
        return (w, b)
    }

    /// `out = a b^T` for row-major `a` (`rows` x `depth`) and `b` (`columns` x `depth`).
    private func multiply(_ a: [Float], rows: Int, _ b: [Float], columns: Int, depth: Int, into out: inout [Float]) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { out in
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns), Int32(depth), 1,
                        a.baseAddress, Int32(depth), b.baseAddress, Int32(depth), 0, out.baseAddress, Int32(columns))
                }
            }
        }
    }

    /// A one-feature logistic regression `p = sigmoid(slope z + intercept)` by Newton's method.
    static func fitLogistic(_ z: [Float], _ y: [Bool]) -> (slope: Float, intercept: Float) {
        var slope = 1.0
        var intercept = -4.0
        for _ in 0..<25 {
            var g0 = 0.0
            var g1 = 0.0
            var h00 = 1e-9
            var h01 = 0.0
            var h11 = 1e-9
            for k in z.indices {
                let zk = Double(z[k])
                let p = 1 / (1 + exp(-(slope * zk + intercept)))
                let r = p - (y[k] ? 1 : 0)
                let s = p * (1 - p)
                g0 += r
                g1 += r * zk
                h00 += s
                h01 += s * zk
                h11 += s * zk * zk
            }
            let determinant = h00 * h11 - h01 * h01
            guard abs(determinant) > 1e-12 else { break }
            let dIntercept = (h11 * g0 - h01 * g1) / determinant
            let dSlope = (h00 * g1 - h01 * g0) / determinant
            intercept -= dIntercept
            slope -= dSlope
            if abs(dIntercept) + abs(dSlope) < 1e-7 { break }
        }
        return (Float(slope), Float(intercept))
    }
}

#if canImport(Glibc)
    import Glibc
#endif
