using VelesDb.Core.Collections;

namespace VelesDb.Core.Query;

/// <summary>
/// The names visible to expressions of one SELECT: the FROM collection (by alias and by name) and the
/// joined collections (by alias, else name).
/// </summary>
internal sealed class Scope
{
    private readonly Dictionary<string, Collection> _joined = new(StringComparer.Ordinal);

    private Scope(Collection? primary, string? alias)
    {
        Primary = primary;
        PrimaryAlias = alias;
    }

    /// <summary>The scope of constant expressions: no collection.</summary>
    public static Scope Empty { get; } = new(null, null);

    /// <summary>The FROM collection, or null.</summary>
    public Collection? Primary { get; }

    /// <summary>The FROM alias, or null.</summary>
    public string? PrimaryAlias { get; }

    /// <summary>Joined collections by the name rows carry them under (alias, else collection name).</summary>
    public IReadOnlyDictionary<string, Collection> Joined => _joined;

    /// <summary>Select-list aliases, usable in ORDER BY and HAVING.</summary>
    public HashSet<string> SelectAliases { get; } = new(StringComparer.Ordinal);

    /// <summary>A scope over one collection.</summary>
    public static Scope For(Collection primary, string? alias) => new(primary, alias);

    /// <summary>Adds a joined collection under its alias (or name).</summary>
    public void AddJoin(string key, Collection collection)
    {
        if (key == PrimaryKey || !_joined.TryAdd(key, collection))
        {
            QueryErrors.Execution($"The name '{key}' is used twice in FROM/JOIN.", "Give each joined collection its own alias (JOIN c AS x).");
        }
    }

    /// <summary>The name of the primary source (alias, else collection name).</summary>
    public string? PrimaryKey => PrimaryAlias ?? Primary?.Name;

    /// <summary>
    /// Classifies a qualifier: 0 = not a source name, 1 = the FROM source, 2 = a joined source
    /// (<paramref name="key"/> set).
    /// </summary>
    public int Qualifier(string name, out string? key)
    {
        key = null;
        if (Primary is not null && (name == PrimaryAlias || (PrimaryAlias is null && name == Primary.Name) || (name == Primary.Name && !_joined.ContainsKey(name))))
        {
            return 1;
        }

        if (_joined.ContainsKey(name))
        {
            key = name;
            return 2;
        }

        return 0;
    }
}
