using FeatureStore.Client;
using FeatureStore.Protos.V1;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.GrpcApi;

/// <summary>Turns a protobuf <see cref="GetOnlineFeaturesRequest"/> into a <see cref="ServingRequest"/>.</summary>
internal static class GrpcRequestReader
{
    public static ServingRequest Read(GetOnlineFeaturesRequest request)
    {
        var entities = new List<EntityColumn>(request.Entities.Count);
        foreach (var (joinKey, column) in request.Entities)
        {
            var values = new object?[column?.Val.Count ?? 0];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = ValueConversion.ToObject(column!.Val[i]);
            }
            entities.Add(new EntityColumn(joinKey, values));
        }
        return new ServingRequest(
            request.Features,
            string.IsNullOrEmpty(request.FeatureService) ? null : request.FeatureService,
            entities,
            request.FullFeatureNames,
            KeyEncoding.Typed);
    }
}
