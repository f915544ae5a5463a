"""Sends the requests gcloud's own generated clients build, for every operation the module uses, to an emulator.

usage: gcloud_forms.py PROJECT_ID

The emulator is found through the environment its env file exports: CLOUDSDK_API_ENDPOINT_OVERRIDES_<API> (each
client's url), GOOGLE_APPLICATION_CREDENTIALS (a service_account key whose token_uri is the emulator; its access
token goes in an Authorization: Bearer header), or EMULATOR_ACCESS_TOKEN when set. The project must exist and the
caller must own it. Each request is built as gcloud's api_lib builds it (the file is named at each step), with
apitools' message classes, so the body, query and URL are exactly gcloud's.

Prints one line per problem on stdout:

    METHOD_ID -- refused: STATUS message          the emulator answered an error to gcloud's form
    METHOD_ID -- response-unknown-field: PATH     the answer has a field the method's response message lacks
    METHOD_ID -- operation-failed: message        a long-running operation ended in an error

and exits 1 when there is any (2 when the emulator cannot be reached at all).
"""

import json
import os
import sys
import time

from apitools.base.py import encoding
from apitools.base.py import exceptions as apitools_exceptions

import check_exchanges
import google_apis

REGION = 'europe-west1'
APP_LOCATION = 'europe-west'
PEERING_SERVICE = 'servicenetworking.googleapis.com'
IMAGE_DIGEST = '@sha256:' + '4' * 64
# gcloud asks for this policy version everywhere (googlecloudsdk/command_lib/iam/iam_util.py).
POLICY_VERSION = 3


class Forms(object):
    def __init__(self, project, token):
        self.project = project
        self.token = token
        self.clients = {}
        self.problems = []
        self.calls = 0

    def api(self, api, version):
        """(client, messages) pointed at the emulator as CLOUDSDK_API_ENDPOINT_OVERRIDES_<API> says."""
        key = (api, version)
        if key not in self.clients:
            client_class = google_apis.Api(api, version).client.__class__
            override = OVERRIDE_NAMES.get(api, api).upper()
            url = os.environ['CLOUDSDK_API_ENDPOINT_OVERRIDES_' + override]
            # Compute and Storage overrides carry their version path; the others are appended by the methods.
            client = client_class(url=url, get_credentials=False,
                                  additional_http_headers={'Authorization': 'Bearer ' + self.token})
            client.num_retries = 0
            self.clients[key] = (client, client_class.MESSAGES_MODULE)
        return self.clients[key]

    def call(self, service, method, request):
        """Sends one request; returns the response message, or None after noting why it failed."""
        config = service.GetMethodConfig(method)
        self.calls += 1
        try:
            response = getattr(service, method)(request)
        except apitools_exceptions.HttpError as error:
            self.note(config.method_id, 'refused', '%s %s' % (error.status_code, error_message(error)))
            return None
        except (apitools_exceptions.Error, ValueError, TypeError) as error:
            self.note(config.method_id, 'response-unparsable', str(error))
            return None
        if response is not None:
            for path, rule, detail in check_exchanges.unrecognized(response, ''):
                self.note(config.method_id, 'response-' + rule, '%s (%s)' % (path, detail))
        return response

    def note(self, method_id, rule, detail):
        self.problems.append('%s -- %s: %s' % (method_id, rule, detail))

    def wait(self, service, request_for, operation, done=lambda op: op.done, method='Get'):
        """Polls an operation the way gcloud's waiters do, until done; notes an operation error."""
        for _ in range(100):
            if operation is None or done(operation):
                break
            time.sleep(0.1)
            operation = self.call(service, method, request_for(operation))
        if operation is not None and getattr(operation, 'error', None):
            self.note(service.GetMethodConfig(method).method_id, 'operation-failed', encoding.MessageToJson(operation.error))
        return operation


OVERRIDE_NAMES = {'sqladmin': 'sql'}


def error_message(error):
    try:
        return json.loads(error.content)['error']['message']
    except (ValueError, KeyError, TypeError):
        return (error.content or b'')[:200]


def access_token():
    token = os.environ.get('EMULATOR_ACCESS_TOKEN')
    if token:
        return token
    # What `gcloud auth activate-service-account --key-file` does: a JWT grant at the key's token_uri.
    from google.oauth2 import service_account
    import google.auth.transport.requests
    credentials = service_account.Credentials.from_service_account_file(
        os.environ['GOOGLE_APPLICATION_CREDENTIALS'], scopes=['https://www.googleapis.com/auth/cloud-platform'])
    credentials.refresh(google.auth.transport.requests.Request())
    return credentials.token


def labels(value_class, **pairs):
    return value_class(additionalProperties=[value_class.AdditionalProperty(key=k, value=v) for k, v in sorted(pairs.items())])


def resource_manager(forms):
    # api_lib/cloudresourcemanager/projects_api.py: Get, GetIamPolicy, TestIamPermissions.
    client, m = forms.api('cloudresourcemanager', 'v1')
    project = forms.call(client.projects, 'Get', m.CloudresourcemanagerProjectsGetRequest(projectId=forms.project))
    forms.call(client.projects, 'GetIamPolicy', m.CloudresourcemanagerProjectsGetIamPolicyRequest(
        resource=forms.project, getIamPolicyRequest=m.GetIamPolicyRequest(
            options=m.GetPolicyOptions(requestedPolicyVersion=POLICY_VERSION))))
    forms.call(client.projects, 'TestIamPermissions', m.CloudresourcemanagerProjectsTestIamPermissionsRequest(
        resource=forms.project, testIamPermissionsRequest=m.TestIamPermissionsRequest(
            permissions=['resourcemanager.projects.get', 'resourcemanager.projects.setIamPolicy'])))
    return project.projectNumber if project else 0


def service_usage(forms):
    # api_lib/services/serviceusage.py: BatchEnableApiCall, GetService, GetOperation.
    client, m = forms.api('serviceusage', 'v1')
    services = ['compute.googleapis.com', 'servicenetworking.googleapis.com', 'sqladmin.googleapis.com',
                'secretmanager.googleapis.com', 'artifactregistry.googleapis.com', 'appengine.googleapis.com',
                'appengineflex.googleapis.com', 'iap.googleapis.com', 'iam.googleapis.com',
                'iamcredentials.googleapis.com', 'storage.googleapis.com']
    operation = forms.call(client.services, 'BatchEnable', m.ServiceusageServicesBatchEnableRequest(
        parent='projects/' + forms.project, batchEnableServicesRequest=m.BatchEnableServicesRequest(serviceIds=services)))
    forms.wait(client.operations, lambda op: m.ServiceusageOperationsGetRequest(name=op.name), operation)
    forms.call(client.services, 'Get', m.ServiceusageServicesGetRequest(
        name='projects/%s/services/compute.googleapis.com' % forms.project))


def compute_network(forms, name, range_name):
    # googlecloudsdk/api_lib/compute/networks/network_utils.py (CreateNetworkResourceFromArgs) and
    # command_lib/compute/addresses (global VPC_PEERING range); operations polled as compute's waiter does.
    client, m = forms.api('compute', 'v1')
    op_status = m.Operation.StatusValueValuesEnum

    def wait(operation):
        return forms.wait(client.globalOperations,
                          lambda op: m.ComputeGlobalOperationsGetRequest(project=forms.project, operation=op.name),
                          operation, done=lambda op: op.status == op_status.DONE)

    wait(forms.call(client.networks, 'Insert', m.ComputeNetworksInsertRequest(
        project=forms.project, network=m.Network(
            name=name, autoCreateSubnetworks=True,
            routingConfig=m.NetworkRoutingConfig(routingMode=m.NetworkRoutingConfig.RoutingModeValueValuesEnum.REGIONAL)))))
    network = forms.call(client.networks, 'Get', m.ComputeNetworksGetRequest(project=forms.project, network=name))
    wait(forms.call(client.globalAddresses, 'Insert', m.ComputeGlobalAddressesInsertRequest(
        project=forms.project, address=m.Address(
            name=range_name, purpose=m.Address.PurposeValueValuesEnum.VPC_PEERING,
            addressType=m.Address.AddressTypeValueValuesEnum.INTERNAL, prefixLength=16,
            network=network.selfLink if network else name))))
    address = forms.call(client.globalAddresses, 'Get', m.ComputeGlobalAddressesGetRequest(
        project=forms.project, address=range_name))
    # command_lib/compute/labels (gcloud compute addresses update --update-labels): setLabels with the fingerprint.
    wait(forms.call(client.globalAddresses, 'SetLabels', m.ComputeGlobalAddressesSetLabelsRequest(
        project=forms.project, resource=range_name, globalSetLabelsRequest=m.GlobalSetLabelsRequest(
            labelFingerprint=address.labelFingerprint if address else None,
            labels=labels(m.GlobalSetLabelsRequest.LabelsValue, purpose='conformance')))))


def service_networking(forms, number):
    # api_lib/services/peering.py: CreateConnection, ListConnections, UpdateConnection, DeleteConnection.
    client, m = forms.api('servicenetworking', 'v1')
    parent = 'services/' + PEERING_SERVICE
    network = 'projects/%s/global/networks/%s'

    def wait(operation):
        return forms.wait(client.operations, lambda op: m.ServicenetworkingOperationsGetRequest(name=op.name), operation)

    wait(forms.call(client.services_connections, 'Create', m.ServicenetworkingServicesConnectionsCreateRequest(
        parent=parent, connection=m.Connection(network=network % (number, 'forms-net'), reservedPeeringRanges=['forms-range']))))
    forms.call(client.services_connections, 'List', m.ServicenetworkingServicesConnectionsListRequest(
        parent=parent, network=network % (number, 'forms-net')))
    wait(forms.call(client.services_connections, 'Patch', m.ServicenetworkingServicesConnectionsPatchRequest(
        name=parent + '/connections/-', force=True,
        connection=m.Connection(network=network % (number, 'forms-net'), reservedPeeringRanges=['forms-range']))))
    # Deleted on a network no Cloud SQL instance uses (producers keep a connection in use for days).
    wait(forms.call(client.services_connections, 'Create', m.ServicenetworkingServicesConnectionsCreateRequest(
        parent=parent, connection=m.Connection(network=network % (number, 'forms-net-2'), reservedPeeringRanges=['forms-range-2']))))
    wait(forms.call(client.services_connections, 'DeleteConnection', m.ServicenetworkingServicesConnectionsDeleteConnectionRequest(
        name=parent + '/connections/-',
        deleteConnectionRequest=m.DeleteConnectionRequest(consumerNetwork=network % (number, 'forms-net-2')))))


def add_binding(m, policy, role, member):
    """command_lib/iam/iam_util.py AddBindingToIamPolicy: read-modify-write, keeping the etag."""
    policy = policy or m.Policy()
    policy.version = POLICY_VERSION
    policy.bindings.append(m.Binding(role=role, members=[member]))
    return policy


def iam(forms):
    # api_lib/iam (gcloud iam service-accounts create/describe/get-iam-policy/add-iam-policy-binding).
    client, m = forms.api('iam', 'v1')
    email = 'forms-sa@%s.iam.gserviceaccount.com' % forms.project
    name = 'projects/%s/serviceAccounts/%s' % (forms.project, email)
    forms.call(client.projects_serviceAccounts, 'Create', m.IamProjectsServiceAccountsCreateRequest(
        name='projects/' + forms.project, createServiceAccountRequest=m.CreateServiceAccountRequest(
            accountId='forms-sa', serviceAccount=m.ServiceAccount(displayName='Conformance forms', description='gcloud forms'))))
    forms.call(client.projects_serviceAccounts, 'Get', m.IamProjectsServiceAccountsGetRequest(name=name))
    policy = forms.call(client.projects_serviceAccounts, 'GetIamPolicy', m.IamProjectsServiceAccountsGetIamPolicyRequest(
        resource=name, options_requestedPolicyVersion=POLICY_VERSION))
    deployer = 'serviceAccount:deployer@%s.iam.gserviceaccount.com' % forms.project
    forms.call(client.projects_serviceAccounts, 'SetIamPolicy', m.IamProjectsServiceAccountsSetIamPolicyRequest(
        resource=name, setIamPolicyRequest=m.SetIamPolicyRequest(
            policy=add_binding(m, policy, 'roles/iam.serviceAccountTokenCreator', deployer))))
    # api_lib/iamcredentials: the module signs tracking tokens with signJwt.
    client, m = forms.api('iamcredentials', 'v1')
    now = int(time.time())
    forms.call(client.projects_serviceAccounts, 'SignJwt', m.IamcredentialsProjectsServiceAccountsSignJwtRequest(
        name='projects/-/serviceAccounts/' + email, signJwtRequest=m.SignJwtRequest(payload=json.dumps(
            {'iss': email, 'sub': email, 'aud': 'https://example.test/*', 'iat': now, 'exp': now + 3600}))))
    return email


def cloud_sql(forms):
    # api_lib/sql/instances.py and command_lib/sql/instances.py (ConstructCreateInstanceFromArgs / patch),
    # api_lib/sql/users_util.py (users set-password), api_lib/sql/operations.py (OperationsV1Beta4.WaitForOperation).
    client, m = forms.api('sqladmin', 'v1beta4')
    done = m.Operation.StatusValueValuesEnum.DONE

    def wait(operation):
        return forms.wait(client.operations, lambda op: m.SqlOperationsGetRequest(project=forms.project, operation=op.name),
                          operation, done=lambda op: op.status == done)

    settings = m.Settings(
        tier='db-f1-micro', edition=m.Settings.EditionValueValuesEnum.ENTERPRISE,
        ipConfiguration=m.IpConfiguration(
            ipv4Enabled=False, privateNetwork='projects/%s/global/networks/forms-net' % forms.project,
            allocatedIpRange='forms-range', sslMode=m.IpConfiguration.SslModeValueValuesEnum.ENCRYPTED_ONLY),
        backupConfiguration=m.BackupConfiguration(enabled=True, binaryLogEnabled=True),
        userLabels=labels(m.Settings.UserLabelsValue, purpose='conformance'))
    wait(forms.call(client.instances, 'Insert', m.SqlInstancesInsertRequest(
        project=forms.project, databaseInstance=m.DatabaseInstance(
            name='forms-sql', region=REGION, settings=settings,
            databaseVersion=m.DatabaseInstance.DatabaseVersionValueValuesEnum.MYSQL_8_4))))
    forms.call(client.instances, 'Get', m.SqlInstancesGetRequest(project=forms.project, instance='forms-sql'))
    wait(forms.call(client.instances, 'Patch', m.SqlInstancesPatchRequest(
        project=forms.project, instance='forms-sql', databaseInstance=m.DatabaseInstance(settings=m.Settings(
            userLabels=labels(m.Settings.UserLabelsValue, purpose='conformance', step='patch'))))))
    # api_lib/sql/users_util.py (gcloud sql users create): users.insert takes the User itself.
    wait(forms.call(client.users, 'Insert', m.User(
        project=forms.project, instance='forms-sql', name='forms', host='%', password='forms-first-password')))
    wait(forms.call(client.users, 'Update', m.SqlUsersUpdateRequest(
        project=forms.project, instance='forms-sql', name='forms', host='%', user=m.User(
            project=forms.project, instance='forms-sql', name='forms', host='%', password='forms-second-password'))))


def secret_manager(forms, account):
    # api_lib/secrets/api.py: Secrets.Create, Secrets.AddVersion, Secrets.GetIamPolicy / SetIamPolicy.
    client, m = forms.api('secretmanager', 'v1')
    name = 'projects/%s/secrets/forms-secret' % forms.project
    forms.call(client.projects_secrets, 'Create', m.SecretmanagerProjectsSecretsCreateRequest(
        parent='projects/' + forms.project, secretId='forms-secret', secret=m.Secret(
            replication=m.Replication(automatic=m.Automatic()), labels=labels(m.Secret.LabelsValue, purpose='conformance'))))
    data = b'forms-secret-payload'
    forms.call(client.projects_secrets, 'AddVersion', m.SecretmanagerProjectsSecretsAddVersionRequest(
        parent=name, addSecretVersionRequest=m.AddSecretVersionRequest(payload=m.SecretPayload(
            data=data, dataCrc32c=crc32c(data)))))
    policy = forms.call(client.projects_secrets, 'GetIamPolicy', m.SecretmanagerProjectsSecretsGetIamPolicyRequest(
        resource=name, options_requestedPolicyVersion=POLICY_VERSION))
    forms.call(client.projects_secrets, 'SetIamPolicy', m.SecretmanagerProjectsSecretsSetIamPolicyRequest(
        resource=name, setIamPolicyRequest=m.SetIamPolicyRequest(
            policy=add_binding(m, policy, 'roles/secretmanager.secretAccessor', 'serviceAccount:' + account))))


def crc32c(data):
    # gcloud secrets versions add computes the payload's CRC32C with googlecloudsdk/command_lib/util/crc32c.py.
    from googlecloudsdk.command_lib.util import crc32c as sdk_crc32c
    return sdk_crc32c.get_checksum(sdk_crc32c.get_crc32c(data))


def storage(forms, account):
    # api_lib/storage/gcs_json/client.py (gcloud storage buckets create/describe/update and IAM) over the same client.
    client, m = forms.api('storage', 'v1')
    bucket = forms.project + '-forms-artifacts'
    iam_config = m.Bucket.IamConfigurationValue(
        uniformBucketLevelAccess=m.Bucket.IamConfigurationValue.UniformBucketLevelAccessValue(enabled=True),
        publicAccessPrevention='enforced')
    forms.call(client.buckets, 'Insert', m.StorageBucketsInsertRequest(project=forms.project, bucket=m.Bucket(
        name=bucket, location=REGION.upper(), storageClass='STANDARD', iamConfiguration=iam_config,
        versioning=m.Bucket.VersioningValue(enabled=True), labels=labels(m.Bucket.LabelsValue, purpose='conformance'))))
    forms.call(client.buckets, 'Get', m.StorageBucketsGetRequest(bucket=bucket))
    forms.call(client.buckets, 'Patch', m.StorageBucketsPatchRequest(bucket=bucket, bucketResource=m.Bucket(
        labels=labels(m.Bucket.LabelsValue, purpose='conformance', step='patch'))))
    policy = forms.call(client.buckets, 'GetIamPolicy', m.StorageBucketsGetIamPolicyRequest(
        bucket=bucket, optionsRequestedPolicyVersion=POLICY_VERSION))
    if policy is None:
        policy = m.Policy()
    policy.version = POLICY_VERSION
    policy.bindings.append(m.Policy.BindingsValueListEntry(role='roles/storage.objectAdmin', members=['serviceAccount:' + account]))
    forms.call(client.buckets, 'SetIamPolicy', m.StorageBucketsSetIamPolicyRequest(bucket=bucket, policy=policy))


def artifact_registry(forms, account):
    # api_lib/artifacts (gcloud artifacts repositories create/describe/add-iam-policy-binding), operations polled by name.
    client, m = forms.api('artifactregistry', 'v1')
    parent = 'projects/%s/locations/%s' % (forms.project, REGION)
    operation = forms.call(client.projects_locations_repositories, 'Create', m.ArtifactregistryProjectsLocationsRepositoriesCreateRequest(
        parent=parent, repositoryId='forms-repo', repository=m.Repository(
            format=m.Repository.FormatValueValuesEnum.DOCKER, description='conformance',
            mode=m.Repository.ModeValueValuesEnum.STANDARD_REPOSITORY)))
    forms.wait(client.projects_locations_operations,
               lambda op: m.ArtifactregistryProjectsLocationsOperationsGetRequest(name=op.name), operation)
    forms.call(client.projects_locations_repositories, 'Get', m.ArtifactregistryProjectsLocationsRepositoriesGetRequest(
        name=parent + '/repositories/forms-repo'))
    # gcloud artifacts repositories add-iam-policy-binding: read the policy, add the binding, write it back. The
    # version below runs as the account and App Engine pulls its image from this repository as that account.
    repository = parent + '/repositories/forms-repo'
    policy = forms.call(client.projects_locations_repositories, 'GetIamPolicy',
                        m.ArtifactregistryProjectsLocationsRepositoriesGetIamPolicyRequest(
                            resource=repository, options_requestedPolicyVersion=POLICY_VERSION))
    if policy is None:
        policy = m.Policy()
    policy.bindings.append(m.Binding(role='roles/artifactregistry.reader', members=['serviceAccount:' + account]))
    forms.call(client.projects_locations_repositories, 'SetIamPolicy', m.ArtifactregistryProjectsLocationsRepositoriesSetIamPolicyRequest(
        resource=repository, setIamPolicyRequest=m.SetIamPolicyRequest(policy=policy)))


def app_engine(forms, account, number):
    # api_lib/app/appengine_api_client.py: CreateApp, GetApplication, DeployService (versions.create),
    # ListServices, SetTrafficSplit, ListVersions, SetServingStatus, DeleteVersion; operations_util.WaitForOperation.
    client, m = forms.api('appengine', 'v1')
    app = 'apps/' + forms.project
    service = app + '/services/default'

    def wait(operation):
        return forms.wait(client.apps_operations, lambda op: m.AppengineAppsOperationsGetRequest(name=op.name), operation)

    wait(forms.call(client.apps, 'Create', m.Application(id=forms.project, locationId=APP_LOCATION)))
    forms.call(client.apps, 'Get', m.AppengineAppsGetRequest(name=app))
    image = '%s-docker.pkg.dev/%s/forms-repo/mlflow%s' % (REGION, forms.project, IMAGE_DIGEST)
    for version_id in ('forms-v1', 'forms-v2'):
        # api_lib/app/yaml_parsing + convert_yaml: an app.yaml with env: flex and runtime: custom becomes this Version.
        wait(forms.call(client.apps_services_versions, 'Create', m.AppengineAppsServicesVersionsCreateRequest(
            parent=service, version=m.Version(
                id=version_id, env='flex', runtime='custom', serviceAccount=account,
                deployment=m.Deployment(container=m.ContainerInfo(image=image)),
                network=m.Network(name='forms-net', instanceIpMode=m.Network.InstanceIpModeValueValuesEnum.INTERNAL),
                resources=m.Resources(cpu=1.0, memoryGb=2.0, diskGb=10.0),
                manualScaling=m.ManualScaling(instances=1),
                # The server image starts only with IAP's audience for the app (/projects/NUMBER/apps/ID).
                envVariables=labels(m.Version.EnvVariablesValue, MLFLOW_PORT='8080',
                                    IAP_AUDIENCE='/projects/%s/apps/%s' % (number, forms.project)),
                livenessCheck=m.LivenessCheck(path='/health', initialDelay='300s'),
                readinessCheck=m.ReadinessCheck(path='/health', appStartTimeout='1800s')))))
        split = encoding.PyValueToMessage(m.TrafficSplit, {'allocations': {version_id: 1.0}, 'shardBy': 'UNSPECIFIED'})
        wait(forms.call(client.apps_services, 'Patch', m.AppengineAppsServicesPatchRequest(
            name=service, service=m.Service(split=split), migrateTraffic=False, updateMask='split')))
    forms.call(client.apps_services, 'List', m.AppengineAppsServicesListRequest(parent=app, pageSize=100))
    forms.call(client.apps_services_versions, 'List', m.AppengineAppsServicesVersionsListRequest(parent=service, pageSize=100))
    forms.call(client.apps_services_versions, 'Get', m.AppengineAppsServicesVersionsGetRequest(
        name=service + '/versions/forms-v2', view=m.AppengineAppsServicesVersionsGetRequest.ViewValueValuesEnum.FULL))
    wait(forms.call(client.apps_services_versions, 'Patch', m.AppengineAppsServicesVersionsPatchRequest(
        name=service + '/versions/forms-v1', updateMask='servingStatus',
        version=m.Version(servingStatus=m.Version.ServingStatusValueValuesEnum.STOPPED))))
    wait(forms.call(client.apps_services_versions, 'Delete', m.AppengineAppsServicesVersionsDeleteRequest(
        name=service + '/versions/forms-v1')))
    # api_lib/iap/util.py AppEngineApplication._SetAppEngineApplicationIap: the mask is 'iap,' exactly.
    wait(forms.call(client.apps, 'Patch', m.AppengineAppsPatchRequest(
        name=app, updateMask='iap,', application=m.Application(iap=m.IdentityAwareProxy(enabled=True)))))


def iap(forms, number, account):
    # api_lib/iap/util.py AppEngineService: projects/NUMBER/iap_web/appengine-APP/services/SERVICE.
    client, m = forms.api('iap', 'v1')
    resource = 'projects/%s/iap_web/appengine-%s/services/default' % (number, forms.project)
    policy = forms.call(client.v1, 'GetIamPolicy', m.IapGetIamPolicyRequest(
        resource=resource, getIamPolicyRequest=m.GetIamPolicyRequest(
            options=m.GetPolicyOptions(requestedPolicyVersion=POLICY_VERSION))))
    forms.call(client.v1, 'SetIamPolicy', m.IapSetIamPolicyRequest(
        resource=resource, setIamPolicyRequest=m.SetIamPolicyRequest(
            policy=add_binding(m, policy, 'roles/iap.httpsResourceAccessor', 'serviceAccount:' + account))))


def main(argv):
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    try:
        forms = Forms(argv[0], access_token())
    except Exception as error:  # no token at all: nothing can be checked
        sys.stderr.write('cannot get an access token from the emulator: %s\n' % error)
        return 2
    number = resource_manager(forms)
    service_usage(forms)
    compute_network(forms, 'forms-net', 'forms-range')
    compute_network(forms, 'forms-net-2', 'forms-range-2')
    service_networking(forms, number)
    account = iam(forms)
    cloud_sql(forms)
    secret_manager(forms, account)
    storage(forms, account)
    artifact_registry(forms, account)
    app_engine(forms, account, number)
    iap(forms, number, account)
    for problem in forms.problems:
        sys.stdout.write(problem + '\n')
    sys.stderr.write('sent %d gcloud-built requests, %d problems\n' % (forms.calls, len(forms.problems)))
    return 1 if forms.problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
