namespace VelesDb.Core.Fusion;

/// <summary>
/// One entry of a ranked result list: a point id and its score, where a higher score is better.
/// Fusion takes lists of these (best first) and returns one.
/// </summary>
/// <param name="Id">The point id.</param>
/// <param name="Score">The score; higher is better.</param>
public readonly record struct ScoredId(ulong Id, float Score);
