using EStore.Mesh;
using static EStore.Deployment.Tests.Workloads;

namespace EStore.Deployment.Tests;

/// <summary>deploy/kubernetes: each overlay rendered by kubectl kustomize and checked as someone applying it would.</summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Overlays => ["local", "production"];

    private static readonly string[] DiscoveryPeers = ["discovery-0.discovery-peers:8761", "discovery-1.discovery-peers:8761"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Overlay_renders_and_every_object_passes_its_schema_and_the_validators_checks(string overlay)
    {
        foreach (var rendered in await RenderedOverlay.WithEveryKubectlAsync(overlay))
        {
            Assert.True(rendered.Problems.Count == 0, $"{rendered}:\n{string.Join('\n', rendered.Problems)}");
            Assert.Contains(rendered.Objects, o => o.GetProperty("kind").GetString() == "Deployment");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_process_of_the_launchers_catalog_runs_on_its_port_from_its_image_behind_a_service(string overlay)
    {
        foreach (var rendered in await RenderedOverlay.WithEveryKubectlAsync(overlay))
        {
            foreach (var process in ServiceCatalog.All)
            {
                var workload = rendered.Get(process.Role == MeshRole.Discovery ? "StatefulSet" : "Deployment", process.AppName);
                var what = $"{process.AppName} in {rendered}";
                Assert.True(ContainerPort(workload, "http") == process.DefaultPort, $"{what}: port 'http' is not {process.DefaultPort}");
                Assert.Equal($"http://0.0.0.0:{process.DefaultPort}", EnvValue(workload, "ASPNETCORE_URLS"));
                var image = Container(workload).GetProperty("image").GetString()!;
                Assert.Matches($"(^|/)estore/{process.AppName}:[^:]+$", image);
                var service = rendered.Get("Service", process.AppName);
                Assert.Contains(service.GetProperty("spec").GetProperty("ports").EnumerateArray(), p => p.GetProperty("port").GetInt32() == process.DefaultPort);
                if (process.Role != MeshRole.Discovery)
                {
                    var scaler = rendered.Get("HorizontalPodAutoscaler", process.AppName);
                    Assert.Equal(process.AppName, scaler.GetProperty("spec").GetProperty("scaleTargetRef").GetProperty("name").GetString());
                    Assert.NotNull(rendered.Find("PodDisruptionBudget", process.AppName));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Each_process_registers_with_every_discovery_peer_using_its_own_credential(string overlay)
    {
        foreach (var rendered in await RenderedOverlay.WithEveryKubectlAsync(overlay))
        {
            var discovery = rendered.Get("StatefulSet", "discovery");
            Assert.Equal(DiscoveryPeers.Length, discovery.GetProperty("spec").GetProperty("replicas").GetInt32());
            Assert.Equal("None", rendered.Get("Service", "discovery-peers").GetProperty("spec").GetProperty("clusterIP").GetString());
            foreach (var process in ServiceCatalog.All.Where(p => p.Role != MeshRole.Discovery))
            {
                var workload = rendered.Get("Deployment", process.AppName);
                Assert.Equal(("discovery-credentials", process.AppName), EnvSecret(workload, "DISCOVERY_SECRET"));
                var urls = EnvValue(workload, "Eureka__Client__ServiceUrl")!.Split(',');
                Assert.Equal(DiscoveryPeers.Select(peer => $"http://{process.AppName}:$(DISCOVERY_SECRET)@{peer}/eureka/"), urls);
                // The discovery server knows this app's secret from the same key.
                Assert.Equal(("discovery-credentials", process.AppName), EnvSecret(discovery, $"Discovery__Security__Apps__{process.AppName}"));
            }
            var peerUrls = EnvValue(discovery, "Eureka__Client__ServiceUrl")!.Split(',');
            Assert.Equal(DiscoveryPeers.Select(peer => $"http://discovery:$(Discovery__Security__Apps__discovery)@{peer}/eureka/"), peerUrls);
            Assert.Equal("http://$(POD_NAME).discovery-peers:8761/eureka/", EnvValue(discovery, "Discovery__MyUrl"));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Security_switches_are_on_kafka_sasl_per_service_protected_discovery_reads_and_closed_management_ports(string overlay)
    {
        foreach (var rendered in await RenderedOverlay.WithEveryKubectlAsync(overlay))
        {
            var config = rendered.ConfigMapData("estore-config");
            Assert.Equal("SASL_PLAINTEXT", config["Kafka__SecurityProtocol"]);
            Assert.Equal("SCRAM-SHA-512", config["Kafka__SaslMechanism"]);
            Assert.Equal("false", config["Kafka__CreateTopics"]);
            Assert.Equal("9090", config["Management__Port"]);
            var discovery = rendered.Get("StatefulSet", "discovery");
            Assert.Equal("true", EnvValue(discovery, "Discovery__Security__ProtectReads"));
            Assert.Equal("9090", EnvValue(discovery, "Management__Port"));
            foreach (var process in ServiceCatalog.All.Where(p => p.Role is MeshRole.Service or MeshRole.Gateway))
            {
                var workload = rendered.Get("Deployment", process.AppName);
                Assert.Equal(process.AppName, EnvValue(workload, "Kafka__SaslUsername"));
                Assert.Equal(("kafka-credentials", process.AppName), EnvSecret(workload, "Kafka__SaslPassword"));
            }
            // The management port is in no Service and the Ingress leads to the gateway alone.
            foreach (var service in rendered.OfKind("Service"))
            {
                Assert.All(service.GetProperty("spec").GetProperty("ports").EnumerateArray(), p => Assert.Equal("http", p.GetProperty("targetPort").GetString()));
            }
            var ingress = Assert.Single(rendered.OfKind("Ingress"));
            var backends = ingress.GetProperty("spec").GetProperty("rules").EnumerateArray()
                .SelectMany(r => r.GetProperty("http").GetProperty("paths").EnumerateArray())
                .Select(p => p.GetProperty("backend").GetProperty("service").GetProperty("name").GetString());
            Assert.All(backends, name => Assert.Equal("gateway", name));
        }
    }

    [Fact]
    public async Task Production_takes_every_secret_from_the_external_store_ships_no_placeholder_and_serves_tls()
    {
        foreach (var rendered in await RenderedOverlay.WithEveryKubectlAsync("production"))
        {
            Assert.Empty(rendered.OfKind("Secret"));
            var provided = rendered.OfKind("ExternalSecret").Select(e => e.GetProperty("spec").GetProperty("target").GetProperty("name").GetString()).ToHashSet();
            var referenced = rendered.OfKind("Deployment").Concat(rendered.OfKind("StatefulSet"))
                .SelectMany(w => Env(w)).Where(e => e.TryGetProperty("valueFrom", out var from) && from.TryGetProperty("secretKeyRef", out _))
                .Select(e => e.GetProperty("valueFrom").GetProperty("secretKeyRef").GetProperty("name").GetString()).ToHashSet();
            Assert.Subset(provided, referenced);
            // The feed-credential key: product-service's alone.
            Assert.Equal(("feed-credentials", "credential-key"), EnvSecret(rendered.Get("Deployment", "product-service"), "Feeds__CredentialKey"));
            Assert.Equal(["product-service"], rendered.OfKind("Deployment").Concat(rendered.OfKind("StatefulSet"))
                .Where(w => EnvSecret(w, "Feeds__CredentialKey") is not null).Select(w => w.GetProperty("metadata").GetProperty("name").GetString()));

            var ingress = rendered.Get("Ingress", "gateway");
            var annotations = ingress.GetProperty("metadata").GetProperty("annotations");
            Assert.True(annotations.TryGetProperty("cert-manager.io/cluster-issuer", out _), "no cert-manager issuer on the production Ingress");
            Assert.Equal("true", annotations.GetProperty("nginx.ingress.kubernetes.io/force-ssl-redirect").GetString());
            var tls = Assert.Single(ingress.GetProperty("spec").GetProperty("tls").EnumerateArray());
            var host = ingress.GetProperty("spec").GetProperty("rules")[0].GetProperty("host").GetString();
            Assert.Contains(host, tls.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
            Assert.Equal($"https://{host}", rendered.ConfigMapData("estore-config")["PUBLIC_URL"]);
            Assert.Null(rendered.Find("Deployment", "payment-sandbox"));
        }
    }

    [Fact]
    public async Task Local_runs_payment_service_against_the_payment_sandbox_with_the_same_provider_secret()
    {
        foreach (var rendered in await RenderedOverlay.WithEveryKubectlAsync("local"))
        {
            var sandbox = rendered.Get("Deployment", "payment-sandbox");
            var port = rendered.Get("Service", "payment-sandbox").GetProperty("spec").GetProperty("ports")[0].GetProperty("port").GetInt32();
            Assert.Equal($"http://payment-sandbox:{port}", rendered.ConfigMapData("estore-config")["PAYMENT_PROVIDER_URL"]);
            var payment = rendered.Get("Deployment", "payment-service");
            Assert.Equal(EnvSecret(payment, "Payment__Provider__ApiKey"), EnvSecret(sandbox, "Sandbox__ApiKey"));
            Assert.Equal(EnvSecret(payment, "Payment__Provider__WebhookSecret"), EnvSecret(sandbox, "Sandbox__WebhookSecret"));
            Assert.Equal($"http://gateway:{ServiceCatalog.Gateway.DefaultPort}/api/payments/webhooks/provider", EnvValue(sandbox, "Sandbox__WebhookUrl"));
        }
    }

    [Fact]
    public async Task The_validator_names_the_object_and_the_rule_each_broken_manifest_breaks()
    {
        const string Broken = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: broken }
            spec:
              selector: { matchLabels: { app: other } }
              template:
                metadata: { labels: { app: broken } }
                spec:
                  containers:
                    - name: app
                      image: estore/broken
                      ports: [{ name: http, containerPort: 8080 }]
                      env:
                        - name: SECRET
                          valueFrom: { secretKeyRef: { name: missing, key: value } }
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: orphan }
            spec:
              selector: { app: nobody }
              ports: [{ port: 80, targetPort: http }]
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: typed }
            spec:
              ports: [{ port: eighty }]
            ---
            apiVersion: policy/v1beta1
            kind: PodDisruptionBudget
            metadata: { name: old }
            spec: { selector: { matchLabels: { app: broken } } }
            """;
        var (exitCode, output, errors) = await RenderedOverlay.ValidateAsync(Broken);
        Assert.True(exitCode == 1, $"exit code {exitCode}\n{output}\n{errors}");
        Assert.Contains("Deployment/broken: selector.matchLabels does not match the pod template's labels", output);
        Assert.Contains("Deployment/broken: container app has no readinessProbe", output);
        Assert.Contains("Deployment/broken: container app has no memory limit", output);
        Assert.Contains("Deployment/broken: container app may run as root (runAsNonRoot)", output);
        Assert.Contains("Deployment/broken: container app has a writable root filesystem", output);
        Assert.Contains("Deployment/broken: container app has no writable /tmp", output);
        Assert.Contains("Deployment/broken: refers to Secret 'missing', which is not in the rendered objects", output);
        Assert.Contains("Service/orphan: selects no pod", output);
        Assert.Contains("Service/typed: schema: data/spec/ports/0/port must be integer", output);
        Assert.Contains("PodDisruptionBudget/old: policy/v1beta1 is no longer served by Kubernetes", output);
        Assert.Contains("validated 4 objects", output);
    }
}
