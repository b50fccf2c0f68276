namespace FeatureStore.Core.Audit;

/// <summary>
/// The train/serve consistency audit: recomputes every logged row offline with the training-set join (the logged
/// request time as the entity timestamp, the logged keys as the entity) and compares value by value.
/// Bad input (no logs, unknown service) throws <see cref="Errors.UserInputException"/> or <see cref="Errors.NotFoundException"/>.
/// </summary>
public interface ILogAudit
{
    Task<AuditReport> RunAsync(AuditRequest request, CancellationToken cancellationToken = default);
}
