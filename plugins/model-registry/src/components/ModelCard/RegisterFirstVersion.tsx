import { CodeSnippet, Progress } from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import { Box, Tab, Tabs, Typography } from '@material-ui/core';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * How to register a model's first version, with the model's name filled in: curl against
 * the REST API, Python with requests, and the MLflow client against the MLflow-compatible
 * API (docs/api.md, docs/mlflow.md). Loaded lazily: only a model without versions shows it.
 */
export default function RegisterFirstVersion(props: {
  namespace: string;
  name: string;
}) {
  const discovery = useApi(discoveryApiRef);
  // The registry's URL as this app reaches it (the backend's base URL and the plugin's path).
  const { value: api } = useAsync(
    () => discovery.getBaseUrl('model-registry'),
    [discovery],
  );
  if (!api) return <Progress />;
  return <Snippets api={api} {...props} />;
}

function Snippets(props: { api: string; namespace: string; name: string }) {
  const { api, namespace, name } = props;
  const [tab, setTab] = useState(0);
  const versions = `${api}/models/${namespace}/${name}/versions`;
  const snippets = [
    {
      label: 'curl',
      language: 'bash',
      text: `curl -X POST "${versions}" \\
  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\
  -H 'Content-Type: application/json' \\
  -d '{
    "source": "s3://models/${name}/v1/model",
    "runId": "<training run id>",
    "metrics": { "auc": 0.95 },
    "params": { "learning_rate": "0.1" }
  }'`,
    },
    {
      label: 'Python',
      language: 'python',
      text: `import os, requests

requests.post(
    "${versions}",
    headers={"Authorization": f"Bearer {os.environ['BACKSTAGE_TOKEN']}"},
    json={
        "source": "s3://models/${name}/v1/model",
        "runId": "<training run id>",
        "metrics": {"auc": 0.95},
        "params": {"learning_rate": "0.1"},
        # optional: the model card, e.g. a Hugging Face README.md
        "card": {"markdown": open("README.md").read()},
    },
).raise_for_status()`,
    },
    {
      label: 'MLflow client',
      language: 'python',
      text: `import mlflow

# Or in the environment: MLFLOW_REGISTRY_URI=${api}/mlflow
# MLFLOW_TRACKING_TOKEN=<a Backstage token>; runs and metrics stay on your tracking server
mlflow.set_registry_uri("${api}/mlflow")
mlflow.register_model("runs:/<run id>/model", "${name}")${
        namespace === 'default'
          ? ''
          : `\n# MLflow names map to the namespace of modelRegistry.mlflow.namespace (docs/mlflow.md)`
      }`,
    },
  ];
  return (
    <Box>
      <Typography variant="body2" gutterBottom>
        No versions yet. Register the first one from a training pipeline:
      </Typography>
      <Tabs
        value={tab}
        onChange={(_, value) => setTab(value)}
        indicatorColor="primary"
        aria-label="How to register the first version"
      >
        {snippets.map(s => (
          <Tab key={s.label} label={s.label} />
        ))}
      </Tabs>
      <CodeSnippet
        text={snippets[tab].text}
        language={snippets[tab].language}
        showCopyCodeButton
      />
    </Box>
  );
}
