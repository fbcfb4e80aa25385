/// A title's sentence embedding and the identity of the model that made it: vectors of
/// different models are never compared, so every vector carries its model's name.
public struct TitleVector: Sendable, Hashable {
    /// The embedding model's identity (`SentenceEmbedder.identity`: its directory name and a
    /// fingerprint of its weights).
    public var identity: String
    /// The vector, unit length.
    public var values: [Float]

    /// Wraps a vector made by the model `identity`.
    public init(identity: String, values: [Float]) {
        self.identity = identity
        self.values = values
    }
}
