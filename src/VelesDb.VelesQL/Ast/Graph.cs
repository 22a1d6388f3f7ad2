namespace VelesDb.VelesQL.Ast;

/// <summary>A node pattern <c>( [alias] [:L1:L2…] [@collection] [{prop: value, …}] )</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Alias">The variable, or null.</param>
/// <param name="Labels">The labels (possibly empty).</param>
/// <param name="Collection">The <c>@collection</c>, or null.</param>
/// <param name="Properties">The property map (possibly empty).</param>
internal sealed record NodePattern(SourcePosition Pos, string? Alias, IReadOnlyList<string> Labels, string? Collection, IReadOnlyList<OptionEntry> Properties) : Node(Pos);

/// <summary>The direction of a relationship pattern.</summary>
internal enum RelDirection
{
    /// <summary><c>-[…]-&gt;</c></summary>
    Outgoing,
    /// <summary><c>&lt;-[…]-</c></summary>
    Incoming,
    /// <summary><c>-[…]-</c></summary>
    Both,
}

/// <summary>A hop range <c>*min..max</c> (always bounded after parsing).</summary>
/// <param name="Min">Minimum hops.</param>
/// <param name="Max">Maximum hops (≤ <see cref="VelesQLLimits.MaxGraphHops"/>).</param>
internal readonly record struct HopRange(int Min, int Max);

/// <summary>A relationship pattern <c>-[ [alias] [:T1|T2…] [*range] [{props}] ]-&gt;</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Alias">The variable, or null.</param>
/// <param name="Types">The relationship types (possibly empty: any type).</param>
/// <param name="Direction">The direction.</param>
/// <param name="Range">The variable-length range, or null for exactly one hop.</param>
/// <param name="Properties">The property map (possibly empty).</param>
internal sealed record RelPattern(SourcePosition Pos, string? Alias, IReadOnlyList<string> Types, RelDirection Direction, HopRange? Range, IReadOnlyList<OptionEntry> Properties) : Node(Pos);

/// <summary>One linear chain <c>node (rel node)*</c>; <c>Relationships[i]</c> links <c>Nodes[i]</c> and <c>Nodes[i+1]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Nodes">The nodes (at least one).</param>
/// <param name="Relationships">The relationships (one fewer than nodes).</param>
internal sealed record GraphPattern(SourcePosition Pos, IReadOnlyList<NodePattern> Nodes, IReadOnlyList<RelPattern> Relationships) : Node(Pos);
