using System.Text.Json;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>
    /// Stores <paramref name="payload"/> as the payload of node (point) <paramref name="id"/>,
    /// creating the node when it does not exist. An existing node keeps its vector, sparse vectors
    /// and edges; only the payload is replaced. This is how a graph node is created before edges
    /// can reference it (edges need both endpoints to be points).
    /// </summary>
    /// <remarks>
    /// The vector is read and written back in two steps: a vector upserted for the same id by a
    /// concurrent writer between them is replaced by the one read.
    /// </remarks>
    /// <param name="id">The node id.</param>
    /// <param name="payload">The payload (usually a JSON object); null or JSON null stores none.</param>
    /// <exception cref="Errors.VelesDbException">VELES-016 when the collection stores vectors and the
    /// node does not exist yet (upsert the point with its vector instead); VELES-027 when the payload
    /// is over the size limit.</exception>
    public void SetNodePayload(ulong id, JsonElement? payload)
    {
        var existing = Get(id);
        Upsert(new Point(id, existing?.Vector ?? ReadOnlyMemory<float>.Empty, payload) { Sparse = existing?.Sparse });
    }
}
