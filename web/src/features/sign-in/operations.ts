import { graphql } from "../../lib/gql";

export const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      __typename
      ... on TwoFactorRequired {
        challenge
      }
      ... on Error {
        message
      }
      ... on AccountLocked {
        retryAfterSeconds
      }
      ... on TooManyAttempts {
        retryAfterSeconds
      }
    }
  }
`);

export const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on Error {
        code
        message
      }
      ... on TooManyAttempts {
        retryAfterSeconds
      }
    }
  }
`);

export const VerifyTwoFactorMutation = graphql(`
  mutation VerifyTwoFactor($input: VerifyTwoFactorInput!) {
    verifyTwoFactor(input: $input) {
      __typename
      ... on Error {
        message
      }
      ... on AccountLocked {
        retryAfterSeconds
      }
      ... on TooManyAttempts {
        retryAfterSeconds
      }
    }
  }
`);
