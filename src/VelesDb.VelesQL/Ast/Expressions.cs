namespace VelesDb.VelesQL.Ast;

/// <summary>Base of every AST node: each node knows where its text starts.</summary>
/// <param name="Pos">The source position of the node's first token.</param>
internal abstract record Node(SourcePosition Pos);

/// <summary>A value expression (literal, column, function, arithmetic, subquery).</summary>
/// <param name="Pos">Source position.</param>
internal abstract record Expr(SourcePosition Pos) : Node(Pos);

/// <summary>An integer literal; <paramref name="Value"/> spans the i64 negative range and the full u64 range.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Value">The value.</param>
internal sealed record IntegerLiteral(SourcePosition Pos, Int128 Value) : Expr(Pos);

/// <summary>A float literal <c>-?\d+\.\d+</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Value">The value.</param>
internal sealed record FloatLiteral(SourcePosition Pos, double Value) : Expr(Pos);

/// <summary>A single-quoted string literal (unescaped).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Value">The text.</param>
internal sealed record StringLiteral(SourcePosition Pos, string Value) : Expr(Pos);

/// <summary><c>TRUE</c> or <c>FALSE</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Value">The value.</param>
internal sealed record BoolLiteral(SourcePosition Pos, bool Value) : Expr(Pos);

/// <summary><c>NULL</c>.</summary>
/// <param name="Pos">Source position.</param>
internal sealed record NullLiteral(SourcePosition Pos) : Expr(Pos);

/// <summary>A <c>$name</c> parameter.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Name">The name without <c>$</c>.</param>
internal sealed record ParameterRef(SourcePosition Pos, string Name) : Expr(Pos);

/// <summary>A dense vector literal <c>[0.1, 2, …]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Values">The components.</param>
internal sealed record VectorLiteral(SourcePosition Pos, IReadOnlyList<double> Values) : Expr(Pos);

/// <summary>One entry of a sparse vector literal.</summary>
/// <param name="Index">The dimension index.</param>
/// <param name="Weight">The weight.</param>
internal readonly record struct SparseEntry(uint Index, double Weight);

/// <summary>A sparse vector literal <c>{12: 0.8, …}</c> (non-empty; weights are floats).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Entries">The entries in source order.</param>
internal sealed record SparseVectorLiteral(SourcePosition Pos, IReadOnlyList<SparseEntry> Entries) : Expr(Pos);

/// <summary>A column or dotted path <c>a.b.c</c> (also score variables and bare option values such as <c>opq</c>).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Parts">The path segments (at least one).</param>
internal sealed record ColumnRef(SourcePosition Pos, IReadOnlyList<string> Parts) : Expr(Pos)
{
    /// <summary>The dotted path.</summary>
    public string Path => string.Join('.', Parts);
}

/// <summary><c>*</c> or <c>alias.*</c> in a projection.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Qualifier">The alias for <c>alias.*</c>, or null for <c>*</c>.</param>
internal sealed record StarExpr(SourcePosition Pos, string? Qualifier) : Expr(Pos);

/// <summary><c>similarity()</c> (both null) or <c>similarity(field, vector)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Field">The vector field, or null.</param>
/// <param name="Vector">The query vector (parameter or literal), or null.</param>
internal sealed record SimilarityExpr(SourcePosition Pos, ColumnRef? Field, Expr? Vector) : Expr(Pos);

/// <summary>The aggregate functions.</summary>
internal enum AggregateFunction
{
    /// <summary>COUNT</summary>
    Count,
    /// <summary>SUM</summary>
    Sum,
    /// <summary>AVG</summary>
    Avg,
    /// <summary>MIN</summary>
    Min,
    /// <summary>MAX</summary>
    Max,
    /// <summary>FIRST (parent-document grouping)</summary>
    First,
}

/// <summary>An aggregate call; <paramref name="Argument"/> is null for <c>COUNT(*)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Function">The function.</param>
/// <param name="Argument">The column (or <c>score</c>), or null for <c>*</c>.</param>
internal sealed record AggregateExpr(SourcePosition Pos, AggregateFunction Function, ColumnRef? Argument) : Expr(Pos);

/// <summary>The supported window functions.</summary>
internal enum WindowFunction
{
    /// <summary>ROW_NUMBER()</summary>
    RowNumber,
    /// <summary>RANK()</summary>
    Rank,
    /// <summary>DENSE_RANK()</summary>
    DenseRank,
}

/// <summary>A window call <c>F() OVER ([PARTITION BY …] [ORDER BY …])</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Function">The function.</param>
/// <param name="PartitionBy">Partition columns (possibly empty).</param>
/// <param name="OrderBy">Order items (possibly empty when ORDER BY is absent).</param>
internal sealed record WindowExpr(SourcePosition Pos, WindowFunction Function, IReadOnlyList<ColumnRef> PartitionBy, IReadOnlyList<OrderItem> OrderBy) : Expr(Pos);

/// <summary>A scalar function call used in predicates: <c>GEO_DISTANCE(…)</c>, <c>GEO_BBOX(…)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Name">The upper-cased function name.</param>
/// <param name="Arguments">The arguments.</param>
internal sealed record FunctionCall(SourcePosition Pos, string Name, IReadOnlyList<Expr> Arguments) : Expr(Pos);

/// <summary><c>NOW()</c>: the current Unix time in seconds.</summary>
/// <param name="Pos">Source position.</param>
internal sealed record NowExpr(SourcePosition Pos) : Expr(Pos);

/// <summary><c>INTERVAL '&lt;n&gt; &lt;unit&gt;'</c>, normalised to seconds.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Text">The literal text.</param>
/// <param name="Seconds">The duration in seconds.</param>
internal sealed record IntervalExpr(SourcePosition Pos, string Text, long Seconds) : Expr(Pos);

/// <summary>Arithmetic operators.</summary>
internal enum ArithmeticOp
{
    /// <summary>+</summary>
    Add,
    /// <summary>-</summary>
    Subtract,
    /// <summary>*</summary>
    Multiply,
    /// <summary>/</summary>
    Divide,
}

/// <summary>A binary arithmetic expression.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Op">The operator.</param>
/// <param name="Left">Left operand.</param>
/// <param name="Right">Right operand.</param>
internal sealed record BinaryExpr(SourcePosition Pos, ArithmeticOp Op, Expr Left, Expr Right) : Expr(Pos);

/// <summary>A unary minus applied to a non-literal expression.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Operand">The operand.</param>
internal sealed record NegateExpr(SourcePosition Pos, Expr Operand) : Expr(Pos);

/// <summary>A parenthesised scalar subquery.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Query">The subquery.</param>
internal sealed record SubqueryExpr(SourcePosition Pos, SelectStatement Query) : Expr(Pos);

/// <summary>One <c>ORDER BY</c> item.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Expression">The sort key.</param>
/// <param name="Descending">True for DESC (ASC is the default).</param>
internal sealed record OrderItem(SourcePosition Pos, Expr Expression, bool Descending) : Node(Pos);

/// <summary>A <c>key = value</c> option (WITH, TRAIN, CREATE, INSERT EDGE, …).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Key">The key as written.</param>
/// <param name="Value">The value (literal, parameter, or a bare word as a <see cref="ColumnRef"/>).</param>
internal sealed record OptionEntry(SourcePosition Pos, string Key, Expr Value) : Node(Pos);
