namespace VelesDb.Core.Collections;

/// <summary>What a collection holds.</summary>
public enum CollectionKind
{
    /// <summary>One dense vector per point, plus an optional payload.</summary>
    Vector = 0,

    /// <summary>Payload-only points; vectors are rejected (VELES-014).</summary>
    Metadata = 1,

    /// <summary>
    /// Graph nodes (points whose payload may carry <c>_labels</c>) and edges, with an optional
    /// schema; with an embedding dimension every node carries a vector, otherwise none.
    /// </summary>
    Graph = 2,
}
