import { useState } from 'react';
import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import {
  BackstageUserIdentity,
  IdentityApi,
  ProfileInfo,
} from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

/** The example users of examples/org.yaml one can sign in as (development only). */
export const EXAMPLE_USERS = [
  {
    name: 'alice',
    displayName: 'Alice Risk',
    description:
      'risk-ml: owns Fraud detector, so may register, stage and archive its versions and set its aliases, but may not promote to production.',
  },
  {
    name: 'bob',
    displayName: 'Bob Search',
    description:
      'search-ml: owns the search models; may not change the risk team’s models.',
  },
  {
    name: 'carol',
    displayName: 'Carol Platform',
    description:
      'platform-ml: may promote any model to production and manage the platform models.',
  },
];

/** Where the choice is kept, so that a reload signs in as the same identity. */
export const SIGN_IN_STORAGE_KEY = 'model-registry-example:sign-in';

type Choice = { provider: 'guest' } | { provider: 'exampleUser'; user: string };

function readChoice(): Choice | undefined {
  const stored = window.localStorage.getItem(SIGN_IN_STORAGE_KEY);
  if (stored === 'guest') return { provider: 'guest' };
  if (stored?.startsWith('user:')) {
    const user = stored.slice('user:'.length);
    if (EXAMPLE_USERS.some(u => u.name === user)) {
      return { provider: 'exampleUser', user };
    }
  }
  return undefined;
}

/** Forgets the stored choice when the user signs out, then signs out. */
class ForgetChoiceOnSignOut implements IdentityApi {
  constructor(private readonly target: IdentityApi) {}
  getProfileInfo(): Promise<ProfileInfo> {
    return this.target.getProfileInfo();
  }
  getBackstageIdentity(): Promise<BackstageUserIdentity> {
    return this.target.getBackstageIdentity();
  }
  getCredentials(): Promise<{ token?: string }> {
    return this.target.getCredentials();
  }
  async signOut(): Promise<void> {
    window.localStorage.removeItem(SIGN_IN_STORAGE_KEY);
    await this.target.signOut();
  }
}

/**
 * The sign-in page of the example portal: the guest (a platform engineer) or one of the
 * example users, so that one can see what a user with other permissions sees. Both go through
 * the auth backend (the guest provider, and the development-only exampleUser provider of
 * packages/backend/src/modules/exampleUserAuth.ts).
 */
export function ExampleSignInPage(props: SignInPageProps) {
  const [choice, setChoice] = useState<Choice | undefined>(readChoice);

  const choose = (next: Choice) => {
    window.localStorage.setItem(
      SIGN_IN_STORAGE_KEY,
      next.provider === 'guest' ? 'guest' : `user:${next.user}`,
    );
    setChoice(next);
  };

  if (choice) {
    return (
      <ProxiedSignInPage
        key={choice.provider === 'guest' ? 'guest' : choice.user}
        provider={choice.provider}
        headers={
          choice.provider === 'exampleUser'
            ? { 'x-example-user': choice.user }
            : undefined
        }
        onSignInSuccess={identity =>
          props.onSignInSuccess(new ForgetChoiceOnSignOut(identity))
        }
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header title="Model Registry for Backstage" />
            <Content>
              <InfoCard title="Could not sign in">
                <Typography paragraph>
                  {error?.message ?? 'The sign-in failed.'}
                </Typography>
                <Button
                  variant="outlined"
                  color="primary"
                  onClick={() => {
                    window.localStorage.removeItem(SIGN_IN_STORAGE_KEY);
                    setChoice(undefined);
                  }}
                >
                  Choose another identity
                </Button>
              </InfoCard>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header title="Model Registry for Backstage" subtitle="Example portal" />
      <Content>
        <ContentHeader title="Select a sign-in method" />
        <Grid container spacing={3}>
          <Grid item xs={12} md={6} lg={3}>
            <InfoCard
              title="Guest"
              variant="fullHeight"
              actions={
                <Button
                  color="primary"
                  variant="outlined"
                  onClick={() => choose({ provider: 'guest' })}
                >
                  Enter
                </Button>
              }
            >
              <Typography variant="body1">
                A platform engineer (guests, platform-ml): may promote any model
                to production.
              </Typography>
            </InfoCard>
          </Grid>
          {EXAMPLE_USERS.map(user => (
            <Grid item xs={12} md={6} lg={3} key={user.name}>
              <InfoCard
                title={user.displayName}
                variant="fullHeight"
                actions={
                  <Button
                    color="primary"
                    variant="outlined"
                    onClick={() =>
                      choose({ provider: 'exampleUser', user: user.name })
                    }
                  >
                    Sign in as {user.displayName}
                  </Button>
                }
              >
                <Typography variant="body1">{user.description}</Typography>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
