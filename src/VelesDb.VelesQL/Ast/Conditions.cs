namespace VelesDb.VelesQL.Ast;

/// <summary>A boolean condition (WHERE, HAVING, ON).</summary>
/// <param name="Pos">Source position.</param>
internal abstract record Condition(SourcePosition Pos) : Node(Pos);

/// <summary><c>left AND right</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Left">Left side.</param>
/// <param name="Right">Right side.</param>
internal sealed record AndCondition(SourcePosition Pos, Condition Left, Condition Right) : Condition(Pos);

/// <summary><c>left OR right</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Left">Left side.</param>
/// <param name="Right">Right side.</param>
internal sealed record OrCondition(SourcePosition Pos, Condition Left, Condition Right) : Condition(Pos);

/// <summary><c>NOT operand</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Operand">The negated condition.</param>
internal sealed record NotCondition(SourcePosition Pos, Condition Operand) : Condition(Pos);

/// <summary>Comparison operators.</summary>
internal enum CompareOp
{
    /// <summary>=</summary>
    Eq,
    /// <summary>!= or &lt;&gt;</summary>
    NotEq,
    /// <summary>&lt;</summary>
    Lt,
    /// <summary>&lt;=</summary>
    LtEq,
    /// <summary>&gt;</summary>
    Gt,
    /// <summary>&gt;=</summary>
    GtEq,
}

/// <summary><c>left op right</c>; covers similarity thresholds and GEO_DISTANCE comparisons.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Left">Left operand.</param>
/// <param name="Op">The operator.</param>
/// <param name="Right">Right operand.</param>
internal sealed record CompareCondition(SourcePosition Pos, Expr Left, CompareOp Op, Expr Right) : Condition(Pos);

/// <summary><c>expr [NOT] IN (v, …)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Operand">The tested expression.</param>
/// <param name="Values">The list.</param>
/// <param name="Negated">True for NOT IN.</param>
internal sealed record InCondition(SourcePosition Pos, Expr Operand, IReadOnlyList<Expr> Values, bool Negated) : Condition(Pos);

/// <summary><c>expr [NOT] BETWEEN low AND high</c> (inclusive).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Operand">The tested expression.</param>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound.</param>
/// <param name="Negated">True for NOT BETWEEN.</param>
internal sealed record BetweenCondition(SourcePosition Pos, Expr Operand, Expr Low, Expr High, bool Negated) : Condition(Pos);

/// <summary><c>expr [NOT] LIKE|ILIKE pattern</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Operand">The tested expression.</param>
/// <param name="Pattern">The pattern (string or parameter).</param>
/// <param name="CaseInsensitive">True for ILIKE.</param>
/// <param name="Negated">True for NOT LIKE.</param>
internal sealed record LikeCondition(SourcePosition Pos, Expr Operand, Expr Pattern, bool CaseInsensitive, bool Negated) : Condition(Pos);

/// <summary><c>expr IS [NOT] NULL</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Operand">The tested expression.</param>
/// <param name="Negated">True for IS NOT NULL.</param>
internal sealed record IsNullCondition(SourcePosition Pos, Expr Operand, bool Negated) : Condition(Pos);

/// <summary>Full-text <c>col MATCH 'text'</c> (BM25).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Column">The text column.</param>
/// <param name="Query">The query text (string or parameter).</param>
internal sealed record TextMatchCondition(SourcePosition Pos, ColumnRef Column, Expr Query) : Condition(Pos);

/// <summary>Strict substring <c>col CONTAINS_TEXT 's'</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Column">The column.</param>
/// <param name="Text">The substring (string or parameter).</param>
internal sealed record ContainsTextCondition(SourcePosition Pos, ColumnRef Column, Expr Text) : Condition(Pos);

/// <summary>The array-containment modes.</summary>
internal enum ContainsMode
{
    /// <summary><c>CONTAINS v</c></summary>
    Single,
    /// <summary><c>CONTAINS ANY (…)</c></summary>
    Any,
    /// <summary><c>CONTAINS ALL (…)</c></summary>
    All,
}

/// <summary>Array containment <c>col CONTAINS v | ANY (…) | ALL (…)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Column">The array column.</param>
/// <param name="Mode">The mode.</param>
/// <param name="Values">One value for <see cref="ContainsMode.Single"/>, the list otherwise.</param>
internal sealed record ContainsCondition(SourcePosition Pos, ColumnRef Column, ContainsMode Mode, IReadOnlyList<Expr> Values) : Condition(Pos);

/// <summary>A boolean predicate function used as a condition: <c>GEO_BBOX(…)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Call">The call.</param>
internal sealed record FunctionCondition(SourcePosition Pos, FunctionCall Call) : Condition(Pos);

/// <summary>Dense kNN <c>vector NEAR ($p | [..])</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Field">The vector field (<c>vector</c>).</param>
/// <param name="Vector">A <see cref="ParameterRef"/> or <see cref="VectorLiteral"/>.</param>
internal sealed record NearCondition(SourcePosition Pos, string Field, Expr Vector) : Condition(Pos);

/// <summary>Sparse kNN <c>vector SPARSE_NEAR ($p | {i: w}) [USING 'index']</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Field">The vector field.</param>
/// <param name="Vector">A <see cref="ParameterRef"/> or <see cref="SparseVectorLiteral"/>.</param>
/// <param name="IndexName">The sparse index name, or null for the default.</param>
internal sealed record SparseNearCondition(SourcePosition Pos, string Field, Expr Vector, string? IndexName) : Condition(Pos);

/// <summary>Multi-vector <c>vector NEAR_FUSED [$a, …] [USING FUSION 'strategy' [(k = 60)]]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Field">The vector field.</param>
/// <param name="Vectors">The query vectors (parameters or literals; at least one).</param>
/// <param name="Strategy">The fusion strategy string, or null.</param>
/// <param name="Parameters">Numeric strategy parameters (possibly empty).</param>
internal sealed record NearFusedCondition(SourcePosition Pos, string Field, IReadOnlyList<Expr> Vectors, string? Strategy, IReadOnlyList<OptionEntry> Parameters) : Condition(Pos);

/// <summary>A graph predicate <c>MATCH (a)-[:R]->(b)</c> inside WHERE.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Pattern">The pattern.</param>
internal sealed record GraphMatchCondition(SourcePosition Pos, GraphPattern Pattern) : Condition(Pos);
