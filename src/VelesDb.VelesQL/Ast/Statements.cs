namespace VelesDb.VelesQL.Ast;

/// <summary>A parsed query: <c>LET*</c> bindings and one statement.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Lets">The LET bindings in order.</param>
/// <param name="Statement">The statement.</param>
internal sealed record Query(SourcePosition Pos, IReadOnlyList<LetBinding> Lets, Statement Statement) : Node(Pos);

/// <summary><c>LET name = expr</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Name">The bound name.</param>
/// <param name="Value">The arithmetic expression.</param>
internal sealed record LetBinding(SourcePosition Pos, string Name, Expr Value) : Node(Pos);

/// <summary>Base of all statements.</summary>
/// <param name="Pos">Source position.</param>
internal abstract record Statement(SourcePosition Pos) : Node(Pos);

/// <summary>A projection item <c>expr [AS alias]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Expression">The projected expression.</param>
/// <param name="Alias">The alias, or null.</param>
internal sealed record SelectItem(SourcePosition Pos, Expr Expression, string? Alias) : Node(Pos);

/// <summary>A collection reference <c>name [[AS] alias]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Name">The collection name.</param>
/// <param name="Alias">The alias, or null.</param>
internal sealed record TableRef(SourcePosition Pos, string Name, string? Alias) : Node(Pos);

/// <summary>Join kinds.</summary>
internal enum JoinKind
{
    /// <summary>[INNER] JOIN</summary>
    Inner,
    /// <summary>LEFT [OUTER] JOIN</summary>
    Left,
    /// <summary>RIGHT [OUTER] JOIN</summary>
    Right,
    /// <summary>FULL [OUTER] JOIN</summary>
    Full,
}

/// <summary>A join; exactly one of <paramref name="On"/> and <paramref name="Using"/> is set.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Kind">The join kind.</param>
/// <param name="Table">The joined collection.</param>
/// <param name="On">The ON condition, or null.</param>
/// <param name="Using">The USING columns, or null.</param>
internal sealed record JoinClause(SourcePosition Pos, JoinKind Kind, TableRef Table, Condition? On, IReadOnlyList<string>? Using) : Node(Pos);

/// <summary>A single SELECT.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Distinct">SELECT DISTINCT.</param>
/// <param name="Items">The projection.</param>
/// <param name="From">The FROM collection.</param>
/// <param name="Joins">The joins in order.</param>
/// <param name="Where">WHERE, or null.</param>
/// <param name="GroupBy">GROUP BY columns (possibly empty).</param>
/// <param name="Having">HAVING, or null.</param>
/// <param name="OrderBy">ORDER BY items (possibly empty).</param>
/// <param name="Limit">LIMIT, or null.</param>
/// <param name="Offset">OFFSET, or null.</param>
/// <param name="With">WITH options (possibly empty).</param>
/// <param name="Fusion">USING FUSION options, or null when absent (empty list for a bare <c>USING FUSION</c>).</param>
internal sealed record SelectStatement(
    SourcePosition Pos,
    bool Distinct,
    IReadOnlyList<SelectItem> Items,
    TableRef From,
    IReadOnlyList<JoinClause> Joins,
    Condition? Where,
    IReadOnlyList<ColumnRef> GroupBy,
    Condition? Having,
    IReadOnlyList<OrderItem> OrderBy,
    ulong? Limit,
    ulong? Offset,
    IReadOnlyList<OptionEntry> With,
    IReadOnlyList<OptionEntry>? Fusion) : Statement(Pos)
{
    /// <summary>The FROM and JOIN aliases in order (un-aliased tables add nothing).</summary>
    public IEnumerable<string> Aliases =>
        new[] { From.Alias }.Concat(Joins.Select(j => j.Table.Alias)).OfType<string>();
}

/// <summary>Set operators.</summary>
internal enum SetOperator
{
    /// <summary>UNION</summary>
    Union,
    /// <summary>UNION ALL</summary>
    UnionAll,
    /// <summary>INTERSECT</summary>
    Intersect,
    /// <summary>EXCEPT</summary>
    Except,
}

/// <summary>One <c>op SELECT …</c> link of a compound query.</summary>
/// <param name="Pos">Source position of the operator keyword.</param>
/// <param name="Operator">The set operator.</param>
/// <param name="Right">The right operand.</param>
internal sealed record SetOperation(SourcePosition Pos, SetOperator Operator, SelectStatement Right) : Node(Pos);

/// <summary>A compound query evaluated strictly left to right.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="First">The first operand.</param>
/// <param name="Rest">The following operations (at least one).</param>
internal sealed record CompoundSelectStatement(SourcePosition Pos, SelectStatement First, IReadOnlyList<SetOperation> Rest) : Statement(Pos);

/// <summary><c>MATCH pattern [WHERE] RETURN items [ORDER BY] [LIMIT]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Where">WHERE, or null.</param>
/// <param name="Return">RETURN items.</param>
/// <param name="OrderBy">ORDER BY items.</param>
/// <param name="Limit">LIMIT, or null.</param>
internal sealed record MatchStatement(SourcePosition Pos, GraphPattern Pattern, Condition? Where, IReadOnlyList<SelectItem> Return, IReadOnlyList<OrderItem> OrderBy, ulong? Limit) : Statement(Pos);

/// <summary><c>INSERT|UPSERT INTO c (cols) VALUES (row), …</c> (every row has the column count).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Upsert">True for UPSERT.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Columns">The column names.</param>
/// <param name="Rows">The value rows.</param>
internal sealed record InsertStatement(SourcePosition Pos, bool Upsert, string Collection, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<Expr>> Rows) : Statement(Pos);

/// <summary><c>UPDATE c SET k = v, … [WHERE]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Assignments">The assignments.</param>
/// <param name="Where">WHERE, or null (every row).</param>
internal sealed record UpdateStatement(SourcePosition Pos, string Collection, IReadOnlyList<OptionEntry> Assignments, Condition? Where) : Statement(Pos);

/// <summary><c>DELETE FROM c WHERE …</c> (WHERE is mandatory).</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Where">The condition.</param>
internal sealed record DeleteStatement(SourcePosition Pos, string Collection, Condition Where) : Statement(Pos);

/// <summary><c>TRAIN QUANTIZER ON c WITH (…)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Options">The options.</param>
internal sealed record TrainQuantizerStatement(SourcePosition Pos, string Collection, IReadOnlyList<OptionEntry> Options) : Statement(Pos);

/// <summary>Collection kinds for CREATE COLLECTION.</summary>
internal enum CollectionKind
{
    /// <summary>A vector collection.</summary>
    Vector,
    /// <summary>CREATE GRAPH COLLECTION.</summary>
    Graph,
    /// <summary>CREATE METADATA COLLECTION.</summary>
    Metadata,
}

/// <summary>A <c>NODE T (p: TYPE, …)</c> schema entry.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Label">The node type.</param>
/// <param name="Properties">Property names and type names.</param>
internal sealed record NodeTypeSchema(SourcePosition Pos, string Label, IReadOnlyList<KeyValuePair<string, string>> Properties) : Node(Pos);

/// <summary>An <c>EDGE E FROM A TO B</c> schema entry.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Label">The edge type.</param>
/// <param name="From">The source node type.</param>
/// <param name="To">The target node type.</param>
internal sealed record EdgeTypeSchema(SourcePosition Pos, string Label, string From, string To) : Node(Pos);

/// <summary><c>CREATE [GRAPH|METADATA] COLLECTION name [(opts) [SCHEMALESS | WITH SCHEMA (…) | WITH (…)]]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Kind">The collection kind.</param>
/// <param name="Name">The name.</param>
/// <param name="Options">The parenthesised options (possibly empty).</param>
/// <param name="Schemaless">SCHEMALESS was given.</param>
/// <param name="NodeTypes">WITH SCHEMA node types.</param>
/// <param name="EdgeTypes">WITH SCHEMA edge types.</param>
/// <param name="With">WITH (…) options.</param>
internal sealed record CreateCollectionStatement(SourcePosition Pos, CollectionKind Kind, string Name, IReadOnlyList<OptionEntry> Options, bool Schemaless, IReadOnlyList<NodeTypeSchema> NodeTypes, IReadOnlyList<EdgeTypeSchema> EdgeTypes, IReadOnlyList<OptionEntry> With) : Statement(Pos);

/// <summary><c>DROP COLLECTION [IF EXISTS] name</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Name">The name.</param>
/// <param name="IfExists">IF EXISTS was given.</param>
internal sealed record DropCollectionStatement(SourcePosition Pos, string Name, bool IfExists) : Statement(Pos);

/// <summary><c>CREATE INDEX ON c (field)</c> or <c>DROP INDEX ON c (field)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Drop">True for DROP.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Field">The indexed field path.</param>
internal sealed record IndexStatement(SourcePosition Pos, bool Drop, string Collection, string Field) : Statement(Pos);

/// <summary><c>INSERT EDGE INTO c (source=, target=, label=[, id=]) [WITH PROPERTIES (…)]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The graph collection.</param>
/// <param name="Fields">The edge fields.</param>
/// <param name="Properties">The properties (possibly empty).</param>
internal sealed record InsertEdgeStatement(SourcePosition Pos, string Collection, IReadOnlyList<OptionEntry> Fields, IReadOnlyList<OptionEntry> Properties) : Statement(Pos);

/// <summary><c>DELETE EDGE id FROM c</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="EdgeId">The edge id.</param>
/// <param name="Collection">The graph collection.</param>
internal sealed record DeleteEdgeStatement(SourcePosition Pos, ulong EdgeId, string Collection) : Statement(Pos);

/// <summary><c>SELECT EDGES FROM c [WHERE (source|target|label) = v [AND …]] [LIMIT n]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The graph collection.</param>
/// <param name="Filters">At most two equality filters.</param>
/// <param name="Limit">LIMIT, or null.</param>
internal sealed record SelectEdgesStatement(SourcePosition Pos, string Collection, IReadOnlyList<OptionEntry> Filters, ulong? Limit) : Statement(Pos);

/// <summary><c>INSERT NODE INTO c (id=, payload='json' | k=v, …)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The graph collection.</param>
/// <param name="Fields">The fields.</param>
internal sealed record InsertNodeStatement(SourcePosition Pos, string Collection, IReadOnlyList<OptionEntry> Fields) : Statement(Pos);

/// <summary><c>SHOW COLLECTIONS</c>.</summary>
/// <param name="Pos">Source position.</param>
internal sealed record ShowCollectionsStatement(SourcePosition Pos) : Statement(Pos);

/// <summary><c>DESCRIBE [COLLECTION] c</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The collection.</param>
internal sealed record DescribeStatement(SourcePosition Pos, string Collection) : Statement(Pos);

/// <summary><c>EXPLAIN &lt;select | compound&gt;</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Target">The explained statement.</param>
internal sealed record ExplainStatement(SourcePosition Pos, Statement Target) : Statement(Pos);

/// <summary><c>ANALYZE [COLLECTION] c</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The collection.</param>
internal sealed record AnalyzeStatement(SourcePosition Pos, string Collection) : Statement(Pos);

/// <summary><c>TRUNCATE [COLLECTION] c</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The collection.</param>
internal sealed record TruncateStatement(SourcePosition Pos, string Collection) : Statement(Pos);

/// <summary><c>ALTER COLLECTION c SET (k = v, …)</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Collection">The collection.</param>
/// <param name="Options">The options.</param>
internal sealed record AlterCollectionStatement(SourcePosition Pos, string Collection, IReadOnlyList<OptionEntry> Options) : Statement(Pos);

/// <summary><c>FLUSH [FULL] [c]</c>.</summary>
/// <param name="Pos">Source position.</param>
/// <param name="Full">FULL was given.</param>
/// <param name="Collection">The collection, or null for all.</param>
internal sealed record FlushStatement(SourcePosition Pos, bool Full, string? Collection) : Statement(Pos);
