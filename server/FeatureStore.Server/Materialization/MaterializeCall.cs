namespace FeatureStore.Server.Materialization;

/// <summary>
/// The body of <c>POST /materialize</c> (<see cref="StartText"/> set) or <c>POST /materialize-incremental</c>
/// (<see cref="StartText"/> null), as sent: times are parsed against the server's clock when the run is prepared.
/// <see cref="Views"/> null means every online view.
/// </summary>
internal sealed record MaterializeCall(string? StartText, string EndText, IReadOnlyList<string>? Views);
