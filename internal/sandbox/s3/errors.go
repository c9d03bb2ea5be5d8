package s3

import "agentcore-workshop/internal/sandbox/awswire"

// S3's error codes and statuses (restXml <Error> bodies).

func noSuchBucket(name string) *awswire.Error {
	return awswire.Errorf(404, "NoSuchBucket", "The specified bucket does not exist")
}

func noSuchKey(key string) *awswire.Error {
	return awswire.Errorf(404, "NoSuchKey", "The specified key does not exist.")
}

func bucketOwned() *awswire.Error {
	return awswire.Errorf(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
}

func bucketNotEmpty() *awswire.Error {
	return awswire.Errorf(409, "BucketNotEmpty", "The bucket you tried to delete is not empty")
}

func invalidBucketName() *awswire.Error {
	return awswire.Errorf(400, "InvalidBucketName", "The specified bucket is not valid.")
}

func malformedXML() *awswire.Error {
	return awswire.Errorf(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

func invalidArgument(format string, args ...any) *awswire.Error {
	return awswire.Errorf(400, "InvalidArgument", format, args...)
}

func internalError(err error) *awswire.Error {
	return awswire.Errorf(500, "InternalError", "The sandbox could not save S3 state: %v", err)
}
