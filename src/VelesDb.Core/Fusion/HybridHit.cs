namespace VelesDb.Core.Fusion;

/// <summary>A result of the hybrid dense + text fusion with its two component terms.</summary>
/// <param name="Id">The point id.</param>
/// <param name="Score">The fused score, <c>VectorScore + TextScore</c>.</param>
/// <param name="VectorScore">The vector term <c>w / (k + rank_vec)</c>; 0 when the id is not in the vector hits.</param>
/// <param name="TextScore">The text term <c>(1 − w) / (k + rank_text)</c>; 0 when the id is not in the text hits.</param>
public readonly record struct HybridHit(ulong Id, float Score, float VectorScore, float TextScore);
