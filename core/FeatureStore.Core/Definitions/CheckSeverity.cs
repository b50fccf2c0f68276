namespace FeatureStore.Core.Definitions;

/// <summary>
/// What a failing check does to a materialization: <see cref="Error"/> writes nothing for the view (the run exits 1),
/// <see cref="Warn"/> is reported and recorded while the rows are written. Spelled <c>error</c> and <c>warn</c>.
/// </summary>
public enum CheckSeverity
{
    Error,
    Warn,
}
